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
 *
 * Each child runs in a process group of its own, so the terminal's Ctrl-C reaches only this
 * process, which then stops the children once, in order (SIGTERM: they drain). Had they shared
 * the terminal's group, each would take Ctrl-C as its first signal and our SIGTERM as the second,
 * and exit without draining. An IPC channel ties each child to this process: when this process
 * ends in any way, even killed, the channel closes and the child drains and exits
 * (`worker` stops when its parent's channel closes), so no worker is left behind.
 */
export function spawnWorkerProcesses(count: number, args: (index: number) => string[]): WorkerProcesses {
  const children: ChildProcess[] = Array.from({ length: count }, (_, i) =>
    spawn(process.execPath, [BIN, 'worker', ...args(i)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: process.env, detached: true }),
  );
  // The channel must not keep this process alive: it ends when its own work is done.
  for (const child of children) child.channel?.unref();
  // Exiting without stop() (a forced second Ctrl-C, a crash): a SIGTERM makes a child drain, a
  // second one (after stop() sent the first) makes it exit at once, as a second Ctrl-C asks.
  process.once('exit', () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
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
