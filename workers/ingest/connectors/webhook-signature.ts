import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Channel } from '../../../streams/canonical-order.ts';

/** Shopify signs its webhooks in this header. */
export const SHOPIFY_SIGNATURE_HEADER = 'X-Shopify-Hmac-Sha256';
/**
 * Every other channel is delivered through a relay of the seller's (the platforms' own push
 * services each sign differently) that signs the same way as Shopify, in this header.
 */
export const ORDERSURGE_SIGNATURE_HEADER = 'X-Ordersurge-Hmac-Sha256';

/** The header carrying the signature of `channel`'s webhooks. */
export function signatureHeaderOf(channel: Channel): string {
  return channel === 'shop' ? SHOPIFY_SIGNATURE_HEADER : ORDERSURGE_SIGNATURE_HEADER;
}

/**
 * The signature of a webhook body: base64 of HMAC-SHA256 over the raw body bytes, keyed with the
 * channel's secret (Shopify's scheme).
 *
 * @example
 * fetch(`${url}/webhooks/shop`, { method: 'POST', body, headers: { 'X-Shopify-Hmac-Sha256': signWebhookBody(secret, body) } });
 */
export function signWebhookBody(secret: string, body: Uint8Array | string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/**
 * Whether `signature` is the body's signature under `secret`. Compared in constant time, so the
 * answer's timing tells an attacker nothing about how much of a forged signature was right.
 */
export function verifyWebhookBody(secret: string, body: Uint8Array, signature: string | undefined): boolean {
  if (signature === undefined || signature === '') return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
