/** The shutdown signal of the runner serving a stage context. */
const signals = new WeakMap<object, AbortSignal>();
const never = new AbortController().signal;

/** Called by the runner: stages handed `ctx` stop waiting when `signal` aborts. */
export function bindStageSignal(ctx: object, signal: AbortSignal): void {
  signals.set(ctx, signal);
}

/**
 * The signal that aborts when the worker serving `ctx` stops: what a stage holding messages
 * through an outside service's outage waits on. A context no runner serves (a test calling a
 * stage directly) never aborts.
 */
export function stageSignal(ctx: object): AbortSignal {
  return signals.get(ctx) ?? never;
}
