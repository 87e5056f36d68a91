import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Names } from './names.ts';
import { streamReplicas } from './stream-replicas.ts';

/** The KV bucket of available-to-sell, one key per SKU and channel. */
export function atsBucketName(names: Names): string {
  return `${names.namespace}-ats`;
}

/**
 * The key of a SKU on a channel: `SKU.CHANNEL`, the SKU as it is when KV allows it
 * (letters, digits, - and _), else `b64-` and its base64url form.
 *
 * @example
 * atsKey('TEA-001', 'tmall') // 'TEA-001.tmall'
 * atsKey('茶/1', 'jd')       // 'b64-6Iy2LzE.jd'
 */
export function atsKey(sku: string, channel: string): string {
  const safe = /^[A-Za-z0-9_-]+$/.test(sku) && !sku.startsWith('b64-') ? sku : `b64-${Buffer.from(sku).toString('base64url')}`;
  return `${safe}.${channel}`;
}

/** Opens (creating when missing) the namespace's available-to-sell bucket; the newest value per key is all a channel sync needs. */
export function openAtsBucket(nc: NatsConnection, names: Names, replicas = streamReplicas()): Promise<KV> {
  return new Kvm(nc).create(atsBucketName(names), { history: 1, replicas });
}

/** What the bucket holds for a key: the units, and when it was published. */
export interface AtsValue {
  ats: number;
  at: string;
}
