import type { OrderLine, RefundStatus } from '../../../streams/canonical-order.ts';

/**
 * The refund status of a whole order from those of its lines: a pending request outranks
 * everything (shipping must wait for it), then all lines refunded, then some. Gift lines are left
 * out when there are others, since platforms rarely refund the free part of an order.
 */
export function orderRefundStatus(lines: readonly Pick<OrderLine, 'refundStatus' | 'gift'>[]): RefundStatus {
  const paidFor = lines.some((line) => !line.gift) ? lines.filter((line) => !line.gift) : lines;
  if (paidFor.some((line) => line.refundStatus === 'requested')) return 'requested';
  const refunded = paidFor.filter((line) => line.refundStatus === 'refunded').length;
  if (refunded > 0 && refunded === paidFor.length) return 'refunded';
  if (refunded > 0 || paidFor.some((line) => line.refundStatus === 'partial')) return 'partial';
  return 'none';
}
