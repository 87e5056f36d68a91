import type { Channel } from '../../streams/canonical-order.ts';

/**
 * What each platform keeps of a sale, in basis points of what the buyer finally paid (payment
 * less refunds): Tmall's software service fee, JD's commission, Douyin's technical service fee,
 * Pinduoduo's 0.6%. Real rates differ by category and contract; these are the model's, the same
 * for the settlement files the simulators write and for the receivable we expect.
 */
export const FEE_BASIS_POINTS: Readonly<Record<Channel, number>> = { tmall: 500, jd: 800, douyin: 500, pdd: 60, shop: 0, pos: 0 };

/**
 * The fee the platform should keep of an order, rounded half up to the fen (integer arithmetic).
 *
 * @example
 * expectedFee('tmall', 29900, 0) // 1495
 */
export function expectedFee(channel: string, paidFen: number, refundedFen: number): number {
  const bp = FEE_BASIS_POINTS[channel as Channel] ?? 0;
  const base = Math.max(0, paidFen - refundedFen);
  return Math.floor((base * bp + 5000) / 10000);
}
