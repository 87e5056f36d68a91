import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A TypeScript script run in its own Node process, talking to us over IPC. */
export interface ChildScript<In, Out> {
  child: ChildProcess;
  send(message: In): void;
  /** The next message of the given type; rejects if the child exits first. */
  next<T extends Out>(accept: (message: Out) => message is T): Promise<T>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Forks `file` (a path relative to this folder) under tsx with `args`, so load generators and
 * simulators never share a main thread with the workers they measure.
 */
export function forkScript<In, Out>(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, nodeArgs: readonly string[] = []): ChildScript<In, Out> {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [...args], {
    execArgv: ['--import', 'tsx', ...nodeArgs],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: Out[] = [];
  // Every pending `next` is woken on each message (a progress reader and a final wait may overlap).
  const waiters = new Set<() => void>();
  child.on('message', (message) => {
    inbox.push(message as Out);
    for (const wake of [...waiters]) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    send: (message) => child.send(message as object),
    async next<T extends Out>(accept: (message: Out) => message is T): Promise<T> {
      for (;;) {
        const index = inbox.findIndex(accept);
        if (index >= 0) return inbox.splice(index, 1)[0] as T;
        let wake: () => void = () => undefined;
        const arrived = new Promise<void>((resolve) => waiters.add((wake = resolve)));
        const code = await Promise.race([arrived.then(() => undefined), exited]);
        waiters.delete(wake);
        if (code !== undefined) throw new Error(`${file} exited with code ${code} before it answered`);
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
