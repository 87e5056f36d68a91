import { applyRouting, lockOpenShipments, lockPricedOrders, readStock, StockMovedError } from '../../sql/queries/route-orders.ts';
import { orderStepStage, type StepResult } from '../order-step.ts';
import { mergeKey } from './merge-key.ts';
import { planRouting, type RoutingPlan } from './plan-routing.ts';
import type { Db } from '../../sql/database.ts';

/** Warehouses in preference order; the foundation has one. */
export const DEFAULT_WAREHOUSES = ['suzhou'] as const;

/**
 * routing: in one transaction per batch, lock the orders still priced and the open shipments of
 * their merge keys, read their stock; decide the whole batch in one pure function (warehouse,
 * all-or-nothing reservation, merge into a shipment); write it in a few set-based statements,
 * reserving stock last and only where it is still there (else plan again with the stock locked).
 * An order whose stock is short becomes an exception (backorder), never a negative stock.
 * Orders of one shop, buyer and address within the merge window share a shipment (合单); each
 * keeps its own money.
 */
export const routingStage = orderStepStage({
  stage: 'routing',
  async apply(ids, ctx) {
    const plan = await routeBatch(ctx.db, ids, ctx.settings.mergeWindowSeconds);
    const results = new Map<string, StepResult>(ids.map((id) => [id, { kind: 'skipped' }]));
    for (const o of plan.orders) results.set(o.orderId, o.outcome === 'routed' ? { kind: 'moved' } : { kind: 'exception' });
    return results;
  },
});

/**
 * Routes the orders of `ids` still priced, in one transaction: locks them, their stock rows and
 * the open shipments of their merge keys, decides with `planRouting`, writes the plan.
 */
export async function routeBatch(db: Db, ids: readonly string[], mergeWindowSeconds: number): Promise<RoutingPlan> {
  try {
    return await routeOnce(db, ids, mergeWindowSeconds, false);
  } catch (error) {
    if (!(error instanceof StockMovedError)) throw error;
    return routeOnce(db, ids, mergeWindowSeconds, true);
  }
}

/**
 * One attempt: on a stock snapshot (the usual case: stock rows, the hottest rows of all, stay
 * locked only briefly at the end), or with the stock rows locked from the start.
 */
async function routeOnce(db: Db, ids: readonly string[], mergeWindowSeconds: number, lockStock: boolean): Promise<RoutingPlan> {
  const rules = { windowSeconds: mergeWindowSeconds };
  return db.transaction().execute(async (trx) => {
    const orders = await lockPricedOrders(trx, ids);
    const toRoute = orders.map((o) => ({
      orderId: o.id,
      lines: o.lines,
      mergeKey: mergeKey({ channel: o.channel, buyer: o.buyer, address: o.address, paymentMethod: o.paymentMethod }, rules),
    }));
    const stock = await readStock(trx, orders.flatMap((o) => o.lines.map((l) => l.sku)), DEFAULT_WAREHOUSES, lockStock);
    const open = await lockOpenShipments(trx, toRoute.flatMap((o) => (o.mergeKey === null ? [] : [o.mergeKey])), rules.windowSeconds);
    const plan = planRouting(toRoute, stock, open, DEFAULT_WAREHOUSES);
    await applyRouting(trx, {
      routed: plan.orders.flatMap((o) => (o.outcome === 'routed' ? [o] : [])),
      backorders: plan.orders.flatMap((o) => (o.outcome === 'backorder' ? [o] : [])),
      newShipments: plan.newShipments,
      reserve: plan.reserve,
    });
    return plan;
  });
}
