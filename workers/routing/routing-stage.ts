import { availableFor, reserveLines } from '../../sql/queries/inventory.ts';
import { recordEvents, transition } from '../../sql/queries/orders.ts';
import { mapLimit, orderStepStage, type StepResult } from '../order-step.ts';
import type { StageContext } from '../stage.ts';
import { chooseWarehouse, type RouteLine } from './choose-warehouse.ts';

/** Warehouses in preference order; the foundation has one. */
export const DEFAULT_WAREHOUSES = ['suzhou'] as const;

/** Orders reserved at once; each holds one connection for its transaction. */
const PARALLEL_ORDERS = 8;

class Shortage extends Error {}

/**
 * routing: choose a warehouse and reserve stock with an atomic conditional update. An order
 * whose stock is short becomes an exception (backorder), never a negative stock.
 */
export const routingStage = orderStepStage({
  stage: 'routing',
  from: 'priced',
  to: 'routed',
  next: 'waybill',
  async apply(ids, ctx) {
    const lineRows = ids.length
      ? await ctx.db.selectFrom('order_lines').select(['order_id', 'line_id', 'sku', 'qty']).where('order_id', 'in', ids).execute()
      : [];
    const linesOf = new Map<string, RouteLine[]>();
    for (const r of lineRows) {
      const lines = linesOf.get(r.order_id) ?? [];
      lines.push({ lineId: r.line_id, sku: r.sku, qty: r.qty });
      linesOf.set(r.order_id, lines);
    }
    const available = await availableFor(ctx.db, lineRows.map((r) => r.sku));
    const results = await mapLimit(ids, PARALLEL_ORDERS, (id) => routeOne(ctx, id, linesOf.get(id) ?? [], available));
    return new Map(ids.map((id, i) => [id, results[i]!]));
  },
});

async function routeOne(ctx: StageContext, orderId: string, lines: RouteLine[], available: ReadonlyMap<string, number>): Promise<StepResult> {
  const decision = chooseWarehouse(lines, available, DEFAULT_WAREHOUSES);
  if (decision.ok) {
    try {
      await ctx.db.transaction().execute(async (trx) => {
        // The status check and the reservation commit together: a redelivery finds 'routed'.
        const moved = await transition(trx, [orderId], 'priced', 'routed', { warehouse: decision.warehouse });
        if (moved.size === 0) return;
        const reserved = await reserveLines(trx, orderId, decision.warehouse, lines);
        if (!reserved.ok) throw new Shortage(reserved.short.map((l) => l.sku).join(', '));
        await trx
          .insertInto('shipments')
          .values({ id: `${orderId}#1`, order_id: orderId, warehouse: decision.warehouse })
          .execute();
        await recordEvents(trx, [{ orderId, key: 'routed', type: 'routed', detail: { warehouse: decision.warehouse } }]);
      });
      return { kind: 'moved' };
    } catch (error) {
      if (!(error instanceof Shortage)) throw error;
      // Stock moved since it was read: fall through to the backorder with fresh numbers.
      const fresh = await availableFor(ctx.db, lines.map((l) => l.sku));
      const again = chooseWarehouse(lines, fresh, DEFAULT_WAREHOUSES);
      return again.ok ? { kind: 'retry', error: `stock changed while reserving ${error.message}` } : backorder(ctx, orderId, again.detail);
    }
  }
  return backorder(ctx, orderId, decision.detail);
}

async function backorder(ctx: StageContext, orderId: string, detail: string): Promise<StepResult> {
  await ctx.db.transaction().execute(async (trx) => {
    const flagged = await transition(trx, [orderId], 'priced', 'exception', { exceptionType: 'backorder', exceptionDetail: detail });
    if (flagged.size > 0) {
      await recordEvents(trx, [{ orderId, key: 'exception', type: 'exception', detail: { type: 'backorder', detail } }]);
    }
  });
  return { kind: 'exception' };
}
