import type { Transaction } from 'kysely';
import { applyRoutingAtomically, readOpenShipments, readParcelsLeftToday, readPricedOrders, readStock, type RoutingEffects } from '../../sql/queries/route-orders.ts';
import { orderStepStage, type StepResult } from '../order-step.ts';
import { activeRoutingRules } from './active-routing-rules.ts';
import { addressProblem } from './address-problem.ts';
import { mergeKey, type MergeRules } from './merge-key.ts';
import { planRouting, type OpenShipment, type OrderToRoute, type RoutingPlan } from './plan-routing.ts';
import type { CompiledRoutingRules } from './routing-rules.ts';
import type { Database, Db } from '../../sql/database.ts';

/**
 * routing: read the orders still priced, their stock in every warehouse the rules name and the
 * open shipments of their merge keys; decide the whole batch in one pure function (`planRoute`
 * per order: region, warehouse or split, reason; merge into shipments per warehouse); write it
 * in one statement that locks and re-checks what the plan stood on. Stock rows, the hottest rows
 * of a sale, are so locked only while Postgres runs one statement, never across a round trip to
 * a busy worker. An order whose stock is short becomes an exception (backorder), never a
 * negative stock. Orders of one shop, buyer and address within the merge window share a shipment
 * per warehouse (合单); each keeps its own money.
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
 * Routes the orders of `ids` still priced, under the newest routing rules (or `rules`): plans on
 * a snapshot and writes it in one statement that re-checks it. If the snapshot moved, that
 * statement says what it found under its locks (orders still priced, the stock, shipments still
 * open) and the batch is planned once more on that and written the same way; only if that also
 * misses (a hot SKU taken again meanwhile) is it read, planned and written in a transaction
 * holding the locks, which always holds. An order short of stock becomes a backorder only on a
 * plan made against stock read after the first write missed.
 */
export async function routeBatch(db: Db, ids: readonly string[], mergeWindowSeconds: number, rules?: CompiledRoutingRules): Promise<RoutingPlan> {
  const active = rules ?? (await activeRoutingRules(db));
  const merge = { windowSeconds: mergeWindowSeconds };
  const snapshot = await readInputs(db, ids, merge, active, false);
  const plan = planRouting(snapshot.orders, snapshot.stock, snapshot.open, active, snapshot.parcelsLeft);
  const first = await applyRoutingAtomically(db, snapshot.orders.map((o) => o.orderId), effectsOf(plan));
  if (first.ok) return plan;
  // The snapshot moved (stock taken, an order cancelled, a shipment numbered): plan again on what the write saw.
  const { conflict } = first;
  const orders = snapshot.orders.filter((o) => conflict.stillPriced.has(o.orderId));
  const stock = new Map([...snapshot.stock, ...conflict.stock]);
  const open = snapshot.open.filter((s) => conflict.stillOpen.has(s.id));
  const replanned = planRouting(orders, stock, open, active, snapshot.parcelsLeft);
  if ((await applyRoutingAtomically(db, orders.map((o) => o.orderId), effectsOf(replanned))).ok) return replanned;
  return db.transaction().execute(async (trx) => {
    const locked = await readInputs(trx, ids, merge, active, true);
    const lockedPlan = planRouting(locked.orders, locked.stock, locked.open, active, locked.parcelsLeft);
    if (!(await applyRoutingAtomically(trx, locked.orders.map((o) => o.orderId), effectsOf(lockedPlan))).ok) {
      throw new Error('routing: a plan made under locks did not hold when written');
    }
    return lockedPlan;
  });
}

/** What routing decides on: the orders still priced, their stock, the open shipments of their merge keys and the parcels each warehouse has left today. */
async function readInputs(db: Db | Transaction<Database>, ids: readonly string[], merge: MergeRules, rules: CompiledRoutingRules, lock: boolean) {
  const priced = await readPricedOrders(db, ids, lock);
  const orders: OrderToRoute[] = priced.map((o) => {
    const problem = addressProblem(o.address);
    return {
      orderId: o.id,
      lines: o.lines,
      address: { provinceCode: o.address.provinceCode ?? '', province: o.address.province ?? '' },
      mergeKey: mergeKey({ shop: o.shop, buyer: o.buyer, address: o.address, paymentMethod: o.paymentMethod }, merge),
      ...(problem === undefined ? {} : { addressProblem: problem }),
    };
  });
  const [stock, open, parcelsLeft] = await Promise.all([
    readStock(db, priced.flatMap((o) => o.lines.map((l) => l.sku)), rules.warehouses, lock),
    readOpenShipments(db, orders.flatMap((o) => (o.mergeKey === null ? [] : [o.mergeKey])), merge.windowSeconds, lock),
    readParcelsLeftToday(db, rules.warehouses),
  ]);
  return { orders, stock, open: open as OpenShipment[], parcelsLeft };
}

function effectsOf(plan: RoutingPlan): RoutingEffects {
  return {
    routed: plan.orders.flatMap((o) => (o.outcome === 'routed' ? [o] : [])),
    backorders: plan.orders.flatMap((o) => (o.outcome === 'backorder' ? [o] : [])),
    badAddresses: plan.orders.flatMap((o) => (o.outcome === 'bad_address' ? [o] : [])),
    records: plan.orders.flatMap((o) => (o.outcome === 'bad_address' ? [] : [{ orderId: o.orderId, ruleVersion: o.reason.ruleVersion, outcome: o.outcome, reason: o.reason }])),
    newShipments: plan.newShipments,
    reserve: plan.reserve,
  };
}
