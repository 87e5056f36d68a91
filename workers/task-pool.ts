import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { PoolTask } from './pool-task.ts';

/** Runs CPU-bound stage work off the event loop. */
export interface TaskPool {
  run<I, O>(task: PoolTask<I, O>, input: I): Promise<O>;
  readonly threads: number;
  destroy(): Promise<void>;
}

/** The default leaves one core to the event loop that does I/O. */
export function defaultPoolThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * A piscina pool of `threads` worker threads; 0 runs tasks inline on the calling thread
 * (useful where threads cost more than they save, e.g. tiny test batches).
 */
export function createTaskPool(threads: number = defaultPoolThreads()): TaskPool {
  if (threads === 0) {
    return {
      threads: 0,
      run: async (task, input) => task.run(input),
      destroy: async () => undefined,
    };
  }
  const piscina = new Piscina({
    filename: new URL('./pool-worker.mjs', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    // A bounded queue: beyond it `run` rejects instead of buffering without limit.
    maxQueue: threads * 64,
  });
  return {
    threads,
    run: (task, input) => piscina.run({ module: task.module, input }),
    destroy: () => piscina.destroy(),
  };
}
