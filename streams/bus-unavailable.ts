import { ConnectionError, NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';

/** What JetStream answers while it is starting or has lost its storage for a moment. */
const UNAVAILABLE_TEXT = /\b(timeout|no responders|503|disconnect|jetstream (system )?(temporarily )?unavailable|jetstream not (enabled|ready))\b/i;

/**
 * Whether a NATS or JetStream call failed because the server was away (restarting, unreachable,
 * JetStream not yet back) rather than because of what was sent: worth waiting out, since the
 * connection reconnects by itself. Looks through the error's `cause` chain.
 *
 * @example
 * isBusUnavailable(new TimeoutError()) // true
 * isBusUnavailable(new Error('maximum payload exceeded')) // false
 */
export function isBusUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e !== undefined && depth < 5; e = e instanceof Error ? e.cause : undefined, depth++) {
    if (e instanceof TimeoutError || e instanceof NoRespondersError || e instanceof ConnectionError) return true;
    if (e instanceof RequestError && e.isNoResponders()) return true;
    if (e instanceof Error && UNAVAILABLE_TEXT.test(e.message)) return true;
  }
  return false;
}
