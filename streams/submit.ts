import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { setTimeout as sleep } from 'node:timers/promises';
import { isBusUnavailable } from './bus-unavailable.ts';
import { headers } from '@nats-io/transport-node';
import { HEADERS, payloadMsgId } from './messages.ts';
import type { Names } from './names.ts';

/**
 * Publishes one raw channel payload into the ingest stage. The message id is the payload's
 * hash, so the same delivery submitted twice within the duplicate window is stored once. `shop`
 * names the shop account it came from (a header, since the payload itself does not say); without
 * it the order belongs to the channel's default account.
 */
export function submitPayload(js: JetStreamClient, names: Names, channel: string, payload: Uint8Array, shop?: string): Promise<PubAck> {
  if (shop === undefined || shop === channel) return js.publish(names.stageSubject('ingest', channel), payload, { msgID: payloadMsgId(channel, payload) });
  const h = headers();
  h.set(HEADERS.shop, shop);
  return js.publish(names.stageSubject('ingest', channel), payload, { msgID: payloadMsgId(channel, payload, shop), headers: h });
}

const MAX_WAIT_MS = 10_000;

/** Whether JetStream refused a publish because the stream is full: backpressure, to be waited out. */
export function isStreamFull(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /maximum (bytes|messages) exceeded/i.test(text);
}

/** Why a submission waits: the ingest stream is full, or the NATS server is away. */
export type SubmitWait = 'full' | 'unavailable';

/**
 * Runs `attempt` (a publish, with whatever checks go with it) until it succeeds, waiting while the
 * ingest stream is full (it refuses new messages at its limit, never drops them) or the NATS
 * server is away (a restart: the connection reconnects by itself): retried with exponential
 * backoff, at most 10 s a wait, telling `onWait` before each wait. Any other error is thrown.
 * Safe to repeat because every publish carries a message id: one stored before its ack was lost
 * comes back as a duplicate, never as a second copy.
 *
 * @example
 * await waitOutBus(() => submitPayload(js, names, 'shop', bytes), (why, reason, ms) => console.error(`${why} (${reason}); waiting ${ms} ms`));
 */
export async function waitOutBus<T>(
  attempt: () => Promise<T>,
  onWait: (why: SubmitWait, reason: string, waitMs: number) => void,
  opts: { baseMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const why: SubmitWait | undefined = isStreamFull(error) ? 'full' : isBusUnavailable(error) ? 'unavailable' : undefined;
      if (why === undefined || opts.signal?.aborted) throw error;
      const waitMs = Math.min((opts.baseMs ?? 250) * 2 ** Math.min(tries - 1, 10), MAX_WAIT_MS);
      onWait(why, error instanceof Error ? error.message : String(error), waitMs);
      await sleep(waitMs, undefined, opts.signal ? { signal: opts.signal } : {});
    }
  }
}
