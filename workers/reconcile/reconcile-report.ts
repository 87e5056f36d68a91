import type { OrderSettlementRow } from '../../sql/queries/settlements.ts';
import { DIFFERENCE_KINDS, reconcileOrder, type DifferenceKind, type OrderReconciliation } from './reconcile-order.ts';

/** The healthy limit of the reconciliation difference rate (product KPI). */
export const HEALTHY_DIFFERENCE_RATE = 0.003;

export interface ReconcileReport {
  period: { from: string; to: string };
  shop: string | null;
  orders: number;
  matched: number;
  /** What the orders of the period were paid. */
  salesFen: number;
  receivableFen: number;
  settledFen: number;
  /** The sum over orders (and entries without an order) of abs(receivable - settled). */
  differenceFen: number;
  /** differenceFen / salesFen; null without sales. */
  differenceRate: number | null;
  healthy: boolean | null;
  byKind: Record<DifferenceKind, { count: number; fen: number }>;
  /** Every order that differs, and every order id settled that we do not have. */
  differences: OrderReconciliation[];
}

/**
 * The report of a period: every order matched (`reconcileOrder`), plus what was settled for
 * orders we do not have, and the difference rate. Pure; amounts in fen. A kind's fen is the
 * absolute difference of the orders showing it (an order of two kinds counts in both).
 */
export function buildReport(
  period: { from: Date; to: Date },
  shop: string | undefined,
  rows: readonly OrderSettlementRow[],
  orphans: readonly { orderId: string; shop: string; settledFen: number }[],
): ReconcileReport {
  const byKind = Object.fromEntries(DIFFERENCE_KINDS.map((k) => [k, { count: 0, fen: 0 }])) as Record<DifferenceKind, { count: number; fen: number }>;
  const differences: OrderReconciliation[] = [];
  let sales = 0;
  let receivable = 0;
  let settled = 0;
  let difference = 0;
  let matched = 0;
  for (const row of rows) {
    const r = reconcileOrder(row);
    sales += r.paidFen;
    receivable += r.receivableFen;
    settled += r.settledFen;
    difference += Math.abs(r.differenceFen);
    if (r.kinds.length === 0) {
      matched++;
      continue;
    }
    differences.push(r);
    for (const k of r.kinds) {
      byKind[k].count++;
      byKind[k].fen += Math.abs(r.differenceFen);
    }
  }
  for (const o of orphans) {
    settled += o.settledFen;
    difference += Math.abs(o.settledFen);
    byKind.settled_without_order.count++;
    byKind.settled_without_order.fen += Math.abs(o.settledFen);
    differences.push({ orderId: o.orderId, shop: o.shop, paidFen: 0, refundedFen: 0, expectedFeeFen: 0, receivableFen: 0, settledFen: o.settledFen, differenceFen: -o.settledFen, kinds: ['settled_without_order'] });
  }
  const rate = sales === 0 ? null : difference / sales;
  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    shop: shop ?? null,
    orders: rows.length,
    matched,
    salesFen: sales,
    receivableFen: receivable,
    settledFen: settled,
    differenceFen: difference,
    differenceRate: rate,
    healthy: rate === null ? null : rate <= HEALTHY_DIFFERENCE_RATE,
    byKind,
    differences,
  };
}
