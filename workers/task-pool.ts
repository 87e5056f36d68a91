import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { PoolTask } from './pool-task.ts';
import { poolUsage } from './pool-usage.ts';

/** Runs CPU-bound stage work off the event loop. */
export interface TaskPool {
  run<I, O>(task: PoolTask<I, O>, input: I): Promise<O>;
  readonly threads: number;
  /** Busy share of the threads (0..1) since the previous call; null when tasks run inline. */
  utilization(): number | null;
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
      utilization: () => null,
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
  const usage = poolUsage(threads);
  return {
    threads,
    run: (task, input) => {
      usage.started();
      return piscina.run({ module: task.module, input }).finally(() => usage.finished());
    },
    utilization: () => usage.take(),
    destroy: () => piscina.destroy(),
  };
}
