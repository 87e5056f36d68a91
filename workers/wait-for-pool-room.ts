import type { TaskPool } from './task-pool.ts';

/** Tasks per thread the pool takes before callers wait: `createTaskPool`'s bounded queue holds 64 a thread. */
const OUTSTANDING_PER_THREAD = 64;

/**
 * The pool, with callers waiting for room when its bounded queue is full instead of failing.
 * A pool that rejects a task fails the whole batch that asked: under overload, when every stage
 * holds its full in-flight, that became a retry storm (each failed batch retried message by
 * message, every one a task of its own, each failing again) and core throughput collapsed. A wait
 * is backpressure: the batch holds its messages, the runner pulls no more, the queue stays bounded.
 */
export function waitForPoolRoom(pool: TaskPool, outstanding = Math.max(1, pool.threads * OUTSTANDING_PER_THREAD)): TaskPool {
  if (pool.threads === 0) return pool;
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    ...pool,
    async run(task, input) {
      while (running >= outstanding) await new Promise<void>((resolve) => waiting.push(resolve));
      running++;
      try {
        return await pool.run(task, input);
      } finally {
        running--;
        waiting.shift()?.();
      }
    },
  };
}
