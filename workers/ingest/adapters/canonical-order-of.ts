import { orderIdOf, type CanonicalOrder, type NormalizeResult } from '../../../streams/canonical-order.ts';
import type { Instant } from './china-time.ts';
import { invoiceRequestOf } from './invoice-request.ts';

/** What an adapter reads; the rest of the canonical order is derived from it. */
export interface OrderParts extends Omit<CanonicalOrder, 'id' | 'shop' | 'placedAt' | 'paidAt' | 'updatedAt' | 'version' | 'invoice'> {
  placedAt: Instant;
  paidAt: Instant | null;
  /** The platform's modified time: also the order's version, so newer updates win. */
  updatedAt: Instant;
}

/**
 * Assembles an adapter's successful result: the id is `CHANNEL:EXTERNAL_ID` and the version the
 * modified time in epoch milliseconds, the same for every channel. The shop is the channel's default
 * account: the payload does not say which account polled it, so ingest sets it from the delivery.
 * The invoice the buyer asked for is read here for every channel (`invoiceRequestOf`), from the
 * payload the adapter was given.
 */
export function canonicalOrderOf(parts: OrderParts): NormalizeResult {
  const invoice = invoiceRequestOf(parts.channel, parts.raw);
  return {
    ok: true,
    order: {
      id: orderIdOf(parts.channel, parts.externalId),
      channel: parts.channel,
      shop: parts.channel,
      externalId: parts.externalId,
      channelStatus: parts.channelStatus,
      refundStatus: parts.refundStatus,
      placedAt: parts.placedAt.iso,
      paidAt: parts.paidAt?.iso ?? null,
      updatedAt: parts.updatedAt.iso,
      version: parts.updatedAt.epochMs,
      buyer: parts.buyer,
      address: parts.address,
      lines: parts.lines,
      amounts: parts.amounts,
      coupons: parts.coupons,
      buyerMessage: parts.buyerMessage,
      sellerMemo: parts.sellerMemo,
      paymentMethod: parts.paymentMethod,
      ...(invoice ? { invoice } : {}),
      raw: parts.raw,
    },
  };
}
