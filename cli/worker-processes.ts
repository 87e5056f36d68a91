import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));

export interface WorkerProcesses {
  /** SIGTERM to every child (they drain), then waits for all to exit. */
  stop(): Promise<void>;
  /** Resolves when any child exits on its own (which the caller treats as a failure). */
  exited: Promise<{ pid: number | undefined; code: number | null }>;
}

/**
 * Starts `count` `ordersurge worker` processes with the given arguments: how the demo uses
 * every core, and the same shape as scaling out on several machines.
 */
export function spawnWorkerProcesses(count: number, args: (index: number) => string[]): WorkerProcesses {
  const children: ChildProcess[] = Array.from({ length: count }, (_, i) =>
    spawn(process.execPath, [BIN, 'worker', ...args(i)], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env }),
  );
  let stopping = false;
  const exitOf = (child: ChildProcess) =>
    new Promise<{ pid: number | undefined; code: number | null }>((resolve) => {
      if (child.exitCode !== null) resolve({ pid: child.pid, code: child.exitCode });
      else child.once('exit', (code) => resolve({ pid: child.pid, code }));
    });
  return {
    exited: Promise.race(children.map(exitOf)).then((r) => (stopping ? new Promise<never>(() => undefined) : r)),
    stop: async () => {
      stopping = true;
      for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.all(children.map(exitOf));
    },
  };
}

/**
 * Worker processes for one machine that also runs NATS and Postgres: one per two cores. Measured
 * with `ordersurge bench pipeline` on 2 cores: one process sustained 1,066 orders/s, two 773/s,
 * because the servers need the other core. A machine of workers alone can run one per core.
 */
export function defaultWorkerProcesses(cores: number = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}
