import type { Transaction } from 'kysely';
import { applyRoutingAtomically, readOpenShipments, readPricedOrders, readStock, type RoutingEffects } from '../../sql/queries/route-orders.ts';
import { orderStepStage, type StepResult } from '../order-step.ts';
import { addressProblem } from './address-problem.ts';
import { mergeKey, type MergeRules } from './merge-key.ts';
import { planRouting, type OrderToRoute, type RoutingPlan } from './plan-routing.ts';
import type { Database, Db } from '../../sql/database.ts';

/** Warehouses in preference order; the foundation has one. */
export const DEFAULT_WAREHOUSES = ['suzhou'] as const;

/**
 * routing: read the orders still priced, their stock and the open shipments of their merge keys;
 * decide the whole batch in one pure function (warehouse, all-or-nothing reservation, merge into
 * a shipment); write it in one statement that locks and re-checks what the plan stood on (else
 * plan again in a transaction holding the locks). Stock rows, the hottest rows of a sale, are so
 * locked only while Postgres runs one statement, never across a round trip to a busy worker.
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
 * Routes the orders of `ids` still priced: plans on a snapshot and writes it in one statement that
 * re-checks it; if the snapshot moved, reads, plans and writes again in a transaction holding
 * the locks on the orders, their stock rows and the open shipments of their merge keys.
 */
export async function routeBatch(db: Db, ids: readonly string[], mergeWindowSeconds: number): Promise<RoutingPlan> {
  const rules = { windowSeconds: mergeWindowSeconds };
  // Usually: plan on a snapshot, write in one statement that re-checks it under its locks.
  const snapshot = await readInputs(db, ids, rules, false);
  const plan = planRouting(snapshot.orders, snapshot.stock, snapshot.open, DEFAULT_WAREHOUSES);
  if (await applyRoutingAtomically(db, snapshot.orders.map((o) => o.orderId), effectsOf(plan))) return plan;
  // The snapshot moved (stock taken, an order cancelled, a shipment numbered): plan again under locks.
  return db.transaction().execute(async (trx) => {
    const locked = await readInputs(trx, ids, rules, true);
    const lockedPlan = planRouting(locked.orders, locked.stock, locked.open, DEFAULT_WAREHOUSES);
    if (!(await applyRoutingAtomically(trx, locked.orders.map((o) => o.orderId), effectsOf(lockedPlan)))) {
      throw new Error('routing: a plan made under locks did not hold when written');
    }
    return lockedPlan;
  });
}

/** What routing decides on: the orders still priced, their stock and the open shipments of their merge keys. */
async function readInputs(db: Db | Transaction<Database>, ids: readonly string[], rules: MergeRules, lock: boolean) {
  const priced = await readPricedOrders(db, ids, lock);
  const orders: OrderToRoute[] = priced.map((o) => {
    const problem = addressProblem(o.address);
    return {
      orderId: o.id,
      lines: o.lines,
      mergeKey: mergeKey({ channel: o.channel, buyer: o.buyer, address: o.address, paymentMethod: o.paymentMethod }, rules),
      ...(problem === undefined ? {} : { addressProblem: problem }),
    };
  });
  const [stock, open] = await Promise.all([
    readStock(db, priced.flatMap((o) => o.lines.map((l) => l.sku)), DEFAULT_WAREHOUSES, lock),
    readOpenShipments(db, orders.flatMap((o) => (o.mergeKey === null ? [] : [o.mergeKey])), rules.windowSeconds, lock),
  ]);
  return { orders, stock, open };
}

function effectsOf(plan: RoutingPlan): RoutingEffects {
  return {
    routed: plan.orders.flatMap((o) => (o.outcome === 'routed' ? [o] : [])),
    backorders: plan.orders.flatMap((o) => (o.outcome === 'backorder' ? [o] : [])),
    badAddresses: plan.orders.flatMap((o) => (o.outcome === 'bad_address' ? [o] : [])),
    newShipments: plan.newShipments,
    reserve: plan.reserve,
  };
}
