import { availableFor } from '../../sql/queries/inventory.ts';
import { routeOrders, type RoutePlan } from '../../sql/queries/route-orders.ts';
import { orderStepStage, type StepResult } from '../order-step.ts';
import { chooseWarehouse, type RouteLine } from './choose-warehouse.ts';
import { mergeKey } from './merge-key.ts';

/** Warehouses in preference order; the foundation has one. */
export const DEFAULT_WAREHOUSES = ['suzhou'] as const;

/**
 * routing: choose a warehouse from a stock snapshot (a pure decision), then reserve the whole
 * batch atomically in Postgres, which re-checks under row locks. An order whose stock is short
 * becomes an exception (backorder), never a negative stock. Orders of one shop, buyer and address
 * within the merge window share a shipment (合单); each keeps its own money.
 */
export const routingStage = orderStepStage({
  stage: 'routing',
  from: 'priced',
  to: 'routed',
  next: 'waybill',
  async apply(ids, ctx) {
    const [lineRows, orders] = await Promise.all([
      ctx.db.selectFrom('order_lines').select(['order_id', 'line_id', 'sku', 'qty']).where('order_id', 'in', ids).execute(),
      ctx.db.selectFrom('orders').select(['id', 'channel', 'buyer', 'address', 'payment_method']).where('id', 'in', ids).execute(),
    ]);
    const rules = { windowSeconds: ctx.config.mergeWindowSeconds };
    const keyOf = new Map(orders.map((o) => [o.id, mergeKey({ channel: o.channel, buyer: o.buyer, address: o.address, paymentMethod: o.payment_method }, rules)]));
    const linesOf = new Map<string, RouteLine[]>();
    for (const r of lineRows) {
      const lines = linesOf.get(r.order_id) ?? [];
      lines.push({ lineId: r.line_id, sku: r.sku, qty: r.qty });
      linesOf.set(r.order_id, lines);
    }
    const available = await availableFor(ctx.db, lineRows.map((r) => r.sku));
    const plans: RoutePlan[] = ids.map((orderId) => {
      const lines = linesOf.get(orderId) ?? [];
      const decision = chooseWarehouse(lines, available, DEFAULT_WAREHOUSES);
      // A snapshot shortage is confirmed (or not) under the locks, in the first-choice warehouse.
      return { orderId, warehouse: decision.ok ? decision.warehouse : DEFAULT_WAREHOUSES[0], lines, mergeKey: keyOf.get(orderId) ?? null };
    });
    const outcomes = await routeOrders(ctx.db, plans, rules.windowSeconds);
    return new Map(
      outcomes.map((o): [string, StepResult] => [o.orderId, o.outcome === 'routed' ? { kind: 'moved' } : o.outcome === 'backorder' ? { kind: 'exception' } : { kind: 'skipped' }]),
    );
  },
});
