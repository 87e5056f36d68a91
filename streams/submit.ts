import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { setTimeout as sleep } from 'node:timers/promises';
import { payloadMsgId } from './messages.ts';
import type { Names } from './names.ts';

/**
 * Publishes one raw channel payload into the ingest stage. The message id is the payload's
 * hash, so the same delivery submitted twice within the duplicate window is stored once.
 */
export function submitPayload(js: JetStreamClient, names: Names, channel: string, payload: Uint8Array): Promise<PubAck> {
  return js.publish(names.stageSubject('ingest', channel), payload, { msgID: payloadMsgId(channel, payload) });
}

const MAX_WAIT_MS = 10_000;

/** Whether JetStream refused a publish because the stream is full: backpressure, to be waited out. */
export function isStreamFull(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /maximum (bytes|messages) exceeded/i.test(text);
}

/**
 * {@link submitPayload}, waiting while the ingest stream is full (it refuses new messages at its
 * limit, never drops them): retried with exponential backoff (at most 10 s a wait), telling
 * `onFull` before each wait. Any other error is thrown.
 *
 * @example
 * await submitWithBackpressure(js, names, 'shop', bytes, (why, ms) => console.error(`ingest full (${why}); waiting ${ms} ms`));
 */
export async function submitWithBackpressure(
  js: JetStreamClient,
  names: Names,
  channel: string,
  payload: Uint8Array,
  onFull: (reason: string, waitMs: number) => void,
  opts: { baseMs?: number; signal?: AbortSignal } = {},
): Promise<PubAck> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await submitPayload(js, names, channel, payload);
    } catch (error) {
      if (!isStreamFull(error) || opts.signal?.aborted) throw error;
      const waitMs = Math.min((opts.baseMs ?? 250) * 2 ** Math.min(attempt - 1, 10), MAX_WAIT_MS);
      onFull(error instanceof Error ? error.message : String(error), waitMs);
      await sleep(waitMs, undefined, opts.signal ? { signal: opts.signal } : {});
    }
  }
}
