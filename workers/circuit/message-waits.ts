import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Names } from '../../streams/names.ts';
import { streamReplicas } from '../../streams/stream-replicas.ts';

/**
 * How long a message's wait count outlives its last wait. A waiting message comes back every
 * breaker period (seconds), which rewrites it; after the outage the count must last through the
 * message's own retries (backoff up to a minute each, eight at most), so an hour is plenty.
 */
export const MESSAGE_WAITS_TTL_MS = 60 * 60 * 1000;

/**
 * How often each message was handed back to wait for an outside service (a `wait` outcome),
 * kept in a KV bucket so every worker process agrees, whichever one the message comes back to.
 * JetStream counts a nak with a delay as a delivery like any other; the runner subtracts these
 * waits before it decides a message has spent its delivery attempts, so an outage of any length
 * dead-letters nothing. Keyed by stage and stream sequence; entries expire
 * (`MESSAGE_WAITS_TTL_MS`), so nothing has to delete them. The bucket is made on first use: a
 * pipeline that never waits never has one (`names.waitsBucket`; `deleteTopology` removes it).
 */
export interface MessageWaits {
  /** Counts one more wait of the message; resolves to how many it has now had. */
  add(stage: string, streamSequence: number): Promise<number>;
  /** How many waits the message has had (0 if none, or the count has expired). */
  of(stage: string, streamSequence: number): Promise<number>;
}

/**
 * The wait counts of a namespace, on `nc`.
 *
 * @example
 * const waits = messageWaits(bus.nc, names);
 * await waits.add('waybill', msg.info.streamSequence);
 * const spent = msg.info.deliveryCount - (await waits.of('waybill', msg.info.streamSequence));
 */
export function messageWaits(nc: NatsConnection, names: Names): MessageWaits {
  let bucket: Promise<KV> | undefined;
  const kv = (): Promise<KV> => {
    bucket ??= new Kvm(nc).create(names.waitsBucket, { history: 1, ttl: MESSAGE_WAITS_TTL_MS, replicas: streamReplicas() }).catch((error: unknown) => {
      // Made again on the next use rather than remembered as failed (NATS may be restarting).
      bucket = undefined;
      throw error;
    });
    return bucket;
  };
  const key = (stage: string, seq: number): string => `${stage}.${seq}`;
  const read = async (k: KV, stage: string, seq: number): Promise<number> => {
    const entry = await k.get(key(stage, seq));
    const n = entry && entry.value.length > 0 ? Number(entry.string()) : 0;
    return Number.isSafeInteger(n) && n > 0 ? n : 0;
  };
  return {
    async add(stage, seq) {
      const k = await kv();
      // One consumer holds a message at a time, so a read then a write counts each wait once.
      const n = (await read(k, stage, seq)) + 1;
      await k.put(key(stage, seq), String(n));
      return n;
    },
    async of(stage, seq) {
      return read(await kv(), stage, seq);
    },
  };
}
