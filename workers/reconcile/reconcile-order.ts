import type { OrderSettlementRow } from '../../sql/queries/settlements.ts';
import { expectedFee } from './platform-fees.ts';

/** How an order's settlement can differ from our records. */
export const DIFFERENCE_KINDS = ['settled_without_order', 'order_never_settled', 'amount_differs', 'fee_differs', 'refund_not_settled'] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

export interface OrderReconciliation {
  orderId: string;
  shop: string;
  paidFen: number;
  refundedFen: number;
  expectedFeeFen: number;
  /** paid - refunds - fees, from our records. */
  receivableFen: number;
  /** What the platform's entries for the order add up to (sales less refunds and fees). */
  settledFen: number;
  /** receivable - settled. */
  differenceFen: number;
  kinds: DifferenceKind[];
}

/**
 * Matches one order against its settlement. Pure. An order with no entry was never settled; one
 * with entries differs in its amount when the sale settled is not what was paid (or more was
 * refunded than we refunded), in its fee when the platform kept another fee than the one
 * expected, and has a refund not settled when we refunded more than the platform paid back.
 * An order can differ in several ways; a matched one has no kinds.
 *
 * @example
 * reconcileOrder({ orderId: 'tmall:1', channel: 'tmall', shop: 'tmall', paidFen: 10000, refundedFen: 0, settledLines: 2, settledSaleFen: 10000, settledRefundFen: 0, settledFeeFen: -500, settledOtherFen: 0 })
 * // { ..., receivableFen: 9500, settledFen: 9500, differenceFen: 0, kinds: [] }
 */
export function reconcileOrder(row: OrderSettlementRow): OrderReconciliation {
  const fee = expectedFee(row.channel, row.paidFen, row.refundedFen);
  const receivable = row.paidFen - row.refundedFen - fee;
  const settled = row.settledSaleFen + row.settledRefundFen + row.settledFeeFen + row.settledOtherFen;
  const kinds: DifferenceKind[] = [];
  if (row.settledLines === 0) {
    kinds.push('order_never_settled');
  } else {
    const refundedBack = -row.settledRefundFen;
    if (row.settledSaleFen !== row.paidFen || refundedBack > row.refundedFen) kinds.push('amount_differs');
    if (-row.settledFeeFen !== fee) kinds.push('fee_differs');
    if (refundedBack < row.refundedFen) kinds.push('refund_not_settled');
  }
  return { orderId: row.orderId, shop: row.shop, paidFen: row.paidFen, refundedFen: row.refundedFen, expectedFeeFen: fee, receivableFen: receivable, settledFen: settled, differenceFen: receivable - settled, kinds };
}
