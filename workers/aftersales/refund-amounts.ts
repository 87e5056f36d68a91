import { fen, type Fen } from '../../streams/money.ts';

/** A line of the order as refunds see it. */
export interface RefundableLine {
  lineId: string;
  sku: string;
  qty: number;
  /** The line's payable after its apportioned discounts (pricing's `order_lines.payable_fen`); null before pricing. */
  payableFen: number | null;
  /** Units of the line refunded, or being refunded, by earlier tickets. */
  refundedQty: number;
}

/** Units of a line a ticket asks for. */
export interface RequestedLine {
  lineId: string;
  qty: number;
}

export interface TicketLineAmount {
  lineId: string;
  sku: string;
  qty: number;
  refundFen: Fen;
}

export type RefundPlan =
  | { ok: true; lines: TicketLineAmount[]; totalFen: Fen; refundsRestOfOrder: boolean }
  | { ok: false; errors: string[] };

/**
 * The refund of units `[from, from + qty)` of a line of `qty` units paying `payable` fen: the line's
 * payable split into equal unit shares by the largest-remainder rule (pricing's `apportion` over
 * equal weights: every unit gets floor(payable / qty) and the remainder goes one fen each to the
 * earliest units), and the shares of those units added up. Refunding a line in any number of
 * pieces, in order, adds up to its payable exactly.
 *
 * @example
 * unitsRefund(fen(1000), 3, 0, 1) // 334
 * unitsRefund(fen(1000), 3, 1, 2) // 666
 */
export function unitsRefund(payable: Fen, qty: number, from: number, count: number): Fen {
  const base = Math.floor(payable / qty);
  const extra = payable - base * qty;
  return fen(count * base + Math.max(0, Math.min(from + count, extra) - Math.min(from, extra)));
}

/**
 * What a ticket refunds: for each requested line, the next units not yet refunded, valued by
 * `unitsRefund`; no requested lines means every unit not yet refunded. Refuses a line the order
 * does not have, a quantity beyond what is left to refund, a line pricing has not given a
 * payable, and a total beyond what was paid less what earlier tickets refund. An exchange
 * (`withMoney` false) moves goods only: amounts are 0 and earlier refunds do not limit it.
 *
 * @example
 * planRefund([{ lineId: '1', sku: 'A', qty: 3, payableFen: 1000, refundedQty: 0 }], [{ lineId: '1', qty: 1 }], { paidFen: 1000, refundedFen: 0 })
 * // { ok: true, lines: [{ lineId: '1', sku: 'A', qty: 1, refundFen: 334 }], totalFen: 334, refundsRestOfOrder: false }
 */
export function planRefund(
  lines: readonly RefundableLine[],
  requested: readonly RequestedLine[],
  money: { paidFen: number; refundedFen: number },
  withMoney = true,
): RefundPlan {
  const errors: string[] = [];
  const byId = new Map(lines.map((l) => [l.lineId, l]));
  const asked = requested.length > 0 ? requested : lines.filter((l) => l.qty - (withMoney ? l.refundedQty : 0) > 0).map((l) => ({ lineId: l.lineId, qty: l.qty - (withMoney ? l.refundedQty : 0) }));
  if (asked.length === 0) return { ok: false, errors: ['lines: every unit of the order has been refunded already'] };
  const seen = new Set<string>();
  const out: TicketLineAmount[] = [];
  let total = 0;
  for (const [i, want] of asked.entries()) {
    const where = `lines[${i}]`;
    const line = byId.get(want.lineId);
    if (!line) {
      errors.push(`${where}.line: the order has no line ${JSON.stringify(want.lineId)} (it has ${[...byId.keys()].join(', ')})`);
      continue;
    }
    if (seen.has(want.lineId)) {
      errors.push(`${where}.line: line ${want.lineId} is asked for twice`);
      continue;
    }
    seen.add(want.lineId);
    if (!Number.isInteger(want.qty) || want.qty < 1) {
      errors.push(`${where}.qty: must be a positive integer, got ${want.qty}`);
      continue;
    }
    const left = line.qty - (withMoney ? line.refundedQty : 0);
    if (want.qty > left) {
      errors.push(`${where}.qty: line ${line.lineId} has ${left} of ${line.qty} units left to ${withMoney ? 'refund' : 'exchange'}, asked ${want.qty}`);
      continue;
    }
    if (!withMoney) {
      out.push({ lineId: line.lineId, sku: line.sku, qty: want.qty, refundFen: fen(0) });
      continue;
    }
    if (line.payableFen === null) {
      errors.push(`${where}.line: line ${line.lineId} has no apportioned payable yet (the order is not priced)`);
      continue;
    }
    const amount = unitsRefund(fen(line.payableFen), line.qty, line.refundedQty, want.qty);
    total += amount;
    out.push({ lineId: line.lineId, sku: line.sku, qty: want.qty, refundFen: amount });
  }
  const left = money.paidFen - money.refundedFen;
  if (errors.length === 0 && total > left) errors.push(`refund: ${total} fen is more than the ${left} fen left of ${money.paidFen} paid`);
  if (errors.length > 0) return { ok: false, errors };
  const refundsRestOfOrder =
    withMoney && lines.every((l) => l.qty - l.refundedQty === (out.find((o) => o.lineId === l.lineId)?.qty ?? 0));
  return { ok: true, lines: out, totalFen: fen(total), refundsRestOfOrder };
}

/**
 * The shipping fee a ticket refunds when asked to: all of the order's shipping fee, once per
 * order (a fee is not split by units). Refused for an exchange (it moves no money) and when an
 * earlier ticket refunds it already or the order charged none.
 *
 * @example
 * planShippingRefund({ shippingFen: 1000, shippingRefundedFen: 0 }, true, true)    // { ok: true, fen: 1000 }
 * planShippingRefund({ shippingFen: 1000, shippingRefundedFen: 1000 }, true, true) // { ok: false, error: 'shipping: ...' }
 */
export function planShippingRefund(order: { shippingFen: number; shippingRefundedFen: number }, asked: boolean, withMoney: boolean): { ok: true; fen: Fen } | { ok: false; error: string } {
  if (!asked) return { ok: true, fen: fen(0) };
  if (!withMoney) return { ok: false, error: 'shipping: an exchange moves goods only and refunds no shipping fee' };
  if (order.shippingFen === 0) return { ok: false, error: 'shipping: the order charged no shipping fee' };
  const left = order.shippingFen - order.shippingRefundedFen;
  if (left <= 0) return { ok: false, error: `shipping: the shipping fee of ${order.shippingFen} fen is refunded by an earlier ticket already` };
  return { ok: true, fen: fen(left) };
}
