import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { StageName } from './pipeline.ts';

/**
 * What travels between the stages after dedupe: only the order's id. Postgres holds the order,
 * so a stage always works on its current state, never on a stale copy in a message.
 */
export const orderRefSchema = z.object({ orderId: z.string().min(3) });
export type OrderRef = z.infer<typeof orderRefSchema>;

/** A message a stage hands to the next one. */
export interface Downstream {
  stage: StageName;
  /** The subject's last token: the channel the order came from. */
  channel: string;
  body: unknown;
  /** Nats-Msg-Id: derived from order and stage so a redelivery never stores a second message. */
  msgId: string;
  /** Peak mode: park it in the deferred stream instead; it is replayed to `stage` after the peak. */
  deferred?: boolean;
}

/** Message id of a stage's input for an order; `version` separates later updates of the same order. */
export function stageMsgId(stage: StageName, orderId: string, version?: number): string {
  return version === undefined ? `${stage}:${orderId}` : `${stage}:${orderId}:v${version}`;
}

/** Raw channel payloads have no order id before normalization, so their id is their content. */
export function payloadMsgId(channel: string, payload: Uint8Array, shop?: string): string {
  const hash = createHash('sha256').update(payload).digest('hex').slice(0, 32);
  return shop === undefined ? `ingest:${channel}:${hash}` : `ingest:${channel}:${shop}:${hash}`;
}

/** Headers the runner reads and the dead-letter stream keeps. */
export const HEADERS = {
  stage: 'Os-Stage',
  subject: 'Os-Subject',
  error: 'Os-Error',
  attempts: 'Os-Attempts',
  failedAt: 'Os-Failed-At',
  /** On ingest messages: the shop account a connector polled the payload from (absent: the channel's default account). */
  shop: 'Os-Shop',
} as const;
