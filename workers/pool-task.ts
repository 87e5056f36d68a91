/**
 * CPU-bound work a stage runs in the worker pool. A pool thread imports `module` and calls its
 * default export's `run`, so each stage owns its task in its own folder and the pool knows none.
 */
export interface PoolTask<I, O> {
  /** URL of the module whose default export is this task. */
  module: string;
  run(input: I): O;
}

/**
 * Declares a stage's pool task; export the result as the module's default.
 *
 * @example
 * export default definePoolTask(import.meta.url, (orders: Order[]) => orders.map(price));
 */
export function definePoolTask<I, O>(moduleUrl: string, run: (input: I) => O): PoolTask<I, O> {
  return { module: moduleUrl, run };
}
