import { CircuitState, ConsecutiveBreaker, ExponentialBackoff, circuitBreaker, handleAll, handleWhen, isBrokenCircuitError, retry, wrap } from 'cockatiel';
import { Gauge, Registry } from 'prom-client';
import { sharedSleep } from './shared-sleep.ts';

/** Breaker states as the metric gives them. */
export const CIRCUIT_STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const;
export type CircuitStateName = keyof typeof CIRCUIT_STATE_VALUE;

/** The breakers' own registry: a worker merges it into the one it serves (`ordersurge_circuit_state`). */
export const circuitRegistry = new Registry();
const stateGauge = new Gauge({
  name: 'ordersurge_circuit_state',
  help: 'Circuit breaker of an outside service in this process: 0 closed, 1 half-open (probing), 2 open (calls held)',
  labelNames: ['service'],
  registers: [circuitRegistry],
});

export interface ServiceBreakerOptions {
  /** Failed calls in a row (after their retries) that open the breaker. */
  failuresToOpen: number;
  /** How long an open breaker holds calls before one probe goes through (half-open). */
  halfOpenAfterMs: number;
  /** Tries of one call before it counts as failed: retried with exponential backoff and decorrelated jitter. */
  attempts: number;
  /** First retry delay; later ones grow, jittered, up to 10 times this. */
  retryBaseMs: number;
  log: (line: string) => void;
}

export const DEFAULT_BREAKER: Omit<ServiceBreakerOptions, 'log'> = { failuresToOpen: 5, halfOpenAfterMs: 10_000, attempts: 3, retryBaseMs: 200 };

/**
 * Breaker settings from the environment: `ORDERSURGE_BREAKER_FAILURES` (failed calls in a row
 * that open it, default 5), `ORDERSURGE_BREAKER_HALF_OPEN_MS` (how long it stays open before a
 * probe, default 10000), `ORDERSURGE_BREAKER_RETRY_MS` (first retry delay, default 200).
 */
export function breakerSettings(env: NodeJS.ProcessEnv = process.env): Omit<ServiceBreakerOptions, 'log'> {
  const int = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${name}: must be an integer of at least ${min}, got ${JSON.stringify(raw)}`);
    return n;
  };
  return {
    ...DEFAULT_BREAKER,
    failuresToOpen: int('ORDERSURGE_BREAKER_FAILURES', DEFAULT_BREAKER.failuresToOpen, 1),
    halfOpenAfterMs: int('ORDERSURGE_BREAKER_HALF_OPEN_MS', DEFAULT_BREAKER.halfOpenAfterMs, 1),
    retryBaseMs: int('ORDERSURGE_BREAKER_RETRY_MS', DEFAULT_BREAKER.retryBaseMs, 1),
  };
}

/** The outside service failed as a whole (every item of the call unanswered): what the breaker counts. */
export class ServiceUnavailableError extends Error {
  readonly code = 'SERVICE_UNAVAILABLE';
  override name = 'ServiceUnavailableError';
}

/** A call the breaker would not let through because it is open, and the caller stopped waiting (shutdown). */
export class CallHeldError extends Error {
  readonly code = 'CALL_HELD';
  override name = 'CallHeldError';
}

/** A circuit breaker with retries around the calls to one outside service (the carrier, the SMS gateway). */
export interface ServiceBreaker {
  readonly service: string;
  state(): CircuitStateName;
  /**
   * Runs `call` (retried with jittered backoff, counted by the breaker). While the breaker is
   * open it waits, without calling, until a probe may go through; a probe that fails opens it
   * again and the wait goes on. So a caller holding messages keeps them through an outage of any
   * length and calls once the service is back. Rejects with `CallHeldError` when `signal`
   * aborts, and with the call's error when it failed with the breaker still closed (a
   * failure too short to open it: the caller retries as usual).
   */
  call<T>(call: () => Promise<T>, signal: AbortSignal): Promise<T>;
  /**
   * Resolves once the breaker is closed (at once when it is), or when `signal` aborts: what a
   * stage awaits before pulling more messages, so that while the service is down its messages
   * wait in the stream instead of piling up in the worker. The call holding the breaker open
   * is the one that probes.
   */
  whenClosed(signal: AbortSignal): Promise<void>;
  /**
   * Runs `call` like `call` does, but never waits for an open breaker: while it is open (its
   * probe not yet due) or another caller's probe is out, answers `held` at once with how long
   * until the next probe, so a caller can hand its work back for that long and get on with work
   * for other services. Throws the call's error when it failed with the breaker still closed.
   */
  attempt<T>(call: () => Promise<T>): Promise<Attempt<T>>;
  /** Whether a call now could reach the service: closed, or open with its probe due. */
  usable(): boolean;
}

/** What `attempt` made of one call: the service's answer, or held by the open breaker. */
export type Attempt<T> = { kind: 'answered'; value: T } | { kind: 'held'; retryInMs: number };

/**
 * Makes the breaker of `service`, with cockatiel: a consecutive-failure breaker that goes
 * half-open after `halfOpenAfterMs` and lets one probe through, inside a retry policy with
 * exponential backoff and decorrelated jitter (a calls-held-open error is never retried). Every
 * state change is logged and exported as `ordersurge_circuit_state{service}`.
 *
 * @example
 * const carrier = serviceBreaker('carrier', { ...DEFAULT_BREAKER, log: console.log });
 * const numbers = await carrier.call(() => postBatch(items), signal);
 */
export function serviceBreaker(service: string, opts: ServiceBreakerOptions): ServiceBreaker {
  const breaker = circuitBreaker(handleAll, { halfOpenAfter: opts.halfOpenAfterMs, breaker: new ConsecutiveBreaker(opts.failuresToOpen) });
  const retries = retry(
    handleWhen((error) => !isBrokenCircuitError(error)),
    { maxAttempts: Math.max(0, opts.attempts - 1), backoff: new ExponentialBackoff({ initialDelay: opts.retryBaseMs, maxDelay: opts.retryBaseMs * 10 }) },
  );
  // The breaker is inside: each try counts, so a dead service opens it within one call's retries.
  const policy = wrap(retries, breaker);
  let state: CircuitStateName = 'closed';
  let openedAt = 0;
  stateGauge.set({ service }, 0);
  breaker.onStateChange((next) => {
    const name: CircuitStateName = next === CircuitState.Open || next === CircuitState.Isolated ? 'open' : next === CircuitState.HalfOpen ? 'half_open' : 'closed';
    if (name === 'open') openedAt = Date.now();
    if (name === state) return;
    state = name;
    stateGauge.set({ service }, CIRCUIT_STATE_VALUE[name]);
    const why = name === 'open' ? `; calls held, a probe in ${opts.halfOpenAfterMs} ms` : name === 'half_open' ? '; one probe call goes through' : '; calls flow again';
    opts.log(`circuit ${service}: ${name}${why}`);
  });
  return {
    service,
    state: () => state,
    async whenClosed(signal) {
      while (state !== 'closed' && !signal.aborted) await sharedSleep(100, signal);
    },
    usable: () => state === 'closed' || (state === 'open' && Date.now() >= openedAt + opts.halfOpenAfterMs),
    async attempt(call) {
      // Until the probe: what is left of the open period; while a probe is out, a whole period
      // (it may take as long as its timeout, and most probes of an outage fail): coming back
      // sooner would only be handed back again, over and over while other carriers keep the
      // stage pulling.
      const retryIn = (): number => (state === 'open' ? Math.max(0, openedAt + opts.halfOpenAfterMs - Date.now()) : opts.halfOpenAfterMs);
      if (state === 'open' && Date.now() < openedAt + opts.halfOpenAfterMs) return { kind: 'held', retryInMs: retryIn() };
      try {
        return { kind: 'answered', value: await policy.execute(call) };
      } catch (error) {
        if (isBrokenCircuitError(error) || state !== 'closed') return { kind: 'held', retryInMs: retryIn() };
        throw error;
      }
    },
    async call(call, signal) {
      // A stopping worker still makes the call it holds messages for (a drain finishes its work);
      // only a wait for an open breaker is cut short.
      const held = (): CallHeldError => new CallHeldError(`${service}: call held while its circuit is ${state}, and the worker is stopping`);
      for (;;) {
        if (state === 'open') {
          if (signal.aborted) throw held();
          const wait = openedAt + opts.halfOpenAfterMs - Date.now();
          if (wait > 0) {
            // Every held caller waits on the one stop signal: one shared sleep, not a listener each.
            await sharedSleep(Math.min(wait, 1000), signal);
            continue;
          }
        }
        try {
          return await policy.execute(call);
        } catch (error) {
          // Held by an open breaker, or by another caller's probe: wait for the next chance.
          if (isBrokenCircuitError(error) || state !== 'closed') {
            if (signal.aborted) throw held();
            if (state === 'half_open') await sharedSleep(100, signal);
            continue;
          }
          throw error;
        }
      }
    },
  };
}
