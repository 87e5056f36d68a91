import { startJsonServer, type Faults, type Gate, type JsonRequest, type JsonResponse, type RunningServer } from '../json-server.ts';
import type { RateLimiter } from './rate-limiter.ts';

export type ApiResponse = JsonResponse;
export type ApiHandler = (req: JsonRequest) => ApiResponse | Promise<ApiResponse>;

/** `Faults` plus a deterministic failure rule, so a test can fail exactly the call it means to. */
export interface PlatformFaults extends Faults {
  /** Calls this returns true for are answered 503, whatever `failRate` says. */
  failWhen?: ((req: JsonRequest) => boolean) | undefined;
}

export interface ApiServerOptions {
  faults: PlatformFaults;
  limiter: RateLimiter;
  /** Body of a 429 in the platform's own words. */
  rateLimitedBody(retryAfterS: number): unknown;
  /** 429 by default; TOP says it with HTTP 200 and its error code. */
  rateLimitedStatus?: number;
  /** Counts calls that reached the API (not the /sim control paths). */
  onCall?: () => void;
  /** Counts calls failed on purpose. */
  onInjectedFailure?: () => void;
}

/** Control paths of every simulator: never rate-limited or failed, so tests can always read them. */
const CONTROL_PREFIX = '/sim/';

/**
 * The HTTP shell of a platform simulator on 127.0.0.1: the same fault injection as the other
 * simulators (latency, a share of 503s, plus `failWhen`) behind a call limit answered 429 with
 * Retry-After. Port 0 picks a free port.
 */
export async function startApiServer(port: number, opts: ApiServerOptions, handler: ApiHandler): Promise<RunningServer> {
  const gate: Gate = async (request) => {
    if (request.path.startsWith(CONTROL_PREFIX)) return undefined;
    opts.onCall?.();
    // The limit is checked before the latency: a platform refuses an over-limit call at once.
    const retryAfterS = opts.limiter.take();
    if (retryAfterS !== undefined) {
      const status = opts.rateLimitedStatus ?? 429;
      return { status, body: opts.rateLimitedBody(retryAfterS), ...(status === 429 ? { headers: { 'retry-after': String(retryAfterS) } } : {}) };
    }
    if (opts.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, opts.faults.latencyMs));
    if (opts.faults.failWhen?.(request) || (opts.faults.failRate > 0 && Math.random() < opts.faults.failRate)) {
      opts.onInjectedFailure?.();
      return { status: 503, body: { error: 'injected failure' } };
    }
    return undefined;
  };
  return startJsonServer(port, gate, handler);
}
