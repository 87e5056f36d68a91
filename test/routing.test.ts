import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStock } from '../sql/queries/inventory.ts';
import { applyRoutingAtomically } from '../sql/queries/route-orders.ts';
import { planRouting } from '../workers/routing/plan-routing.ts';
import { routeBatch } from '../workers/routing/routing-stage.ts';
import { activeRoutingRules } from '../workers/routing/active-routing-rules.ts';
import { createTestPipeline, insertPricedOrder, type TestPipeline } from './pipeline-harness.ts';

describe('routing writes', () => {
  let p: TestPipeline;

  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  const pricedOrder = (id: string, sku: string, qty: number): Promise<void> => insertPricedOrder(p.db, { id, sku, qty });

  it('writes nothing when the stock a plan was made on is gone by the time it is written, and routing then plans again under locks', async () => {
    await setStock(p.db, 'RACE-SKU', 'suzhou', 5);
    await pricedOrder('shop:9001', 'RACE-SKU', 2);
    const lines = [{ lineId: '1', sku: 'RACE-SKU', qty: 2, gift: false, valueFen: 200 }];
    const plan = planRouting([{ orderId: 'shop:9001', lines, address: { provinceCode: '', province: '' }, mergeKey: null }], new Map([['RACE-SKU|suzhou', 5]]), [], await activeRoutingRules(p.db));
    // Between the snapshot and the write, another channel's sale takes the stock down to 1.
    await setStock(p.db, 'RACE-SKU', 'suzhou', 1);
    const routed = plan.orders.flatMap((o) => (o.outcome === 'routed' ? [o] : []));
    expect(routed).toHaveLength(1);
    const wrote = await applyRoutingAtomically(p.db, ['shop:9001'], { routed, backorders: [], newShipments: plan.newShipments, reserve: plan.reserve });
    expect(wrote).toEqual({ ok: false, conflict: { stillPriced: new Set(['shop:9001']), stock: new Map([['RACE-SKU|suzhou', 1]]), stillOpen: new Set() } });
    expect(await p.db.selectFrom('reservations').selectAll().where('order_id', '=', 'shop:9001').execute()).toEqual([]);
    expect(await p.db.selectFrom('shipments').selectAll().where('order_id', '=', 'shop:9001').execute()).toEqual([]);
    expect((await p.db.selectFrom('orders').select('status').where('id', '=', 'shop:9001').executeTakeFirstOrThrow()).status).toBe('priced');

    const replanned = await routeBatch(p.db, ['shop:9001'], 0);
    expect(replanned.orders[0]).toMatchObject({ outcome: 'backorder', detail: 'backorder: RACE-SKU needs 2, 1 available in suzhou; no other warehouse of default (guangzhou, beijing, chengdu) has it all' });
    const order = await p.db.selectFrom('orders').select(['status', 'exception_type']).where('id', '=', 'shop:9001').executeTakeFirstOrThrow();
    expect(order).toEqual({ status: 'exception', exception_type: 'backorder' });
    const stock = await p.db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', 'RACE-SKU').executeTakeFirstOrThrow();
    expect(stock).toEqual({ on_hand: 1, reserved: 0 });
  });

  it('never oversells when batches race for the last units', async () => {
    await setStock(p.db, 'LAST-UNITS', 'suzhou', 10);
    const ids = Array.from({ length: 30 }, (_, i) => `shop:${9100 + i}`);
    for (const id of ids) await pricedOrder(id, 'LAST-UNITS', 1);
    // Six batches of five at once: every one plans on a snapshot showing 10 available.
    await Promise.all(Array.from({ length: 6 }, (_, b) => routeBatch(p.db, ids.slice(b * 5, b * 5 + 5), 0)));
    const statuses = await p.db.selectFrom('orders').select('status').where('id', 'in', ids).execute();
    expect(statuses.filter((s) => s.status === 'routed')).toHaveLength(10);
    expect(statuses.filter((s) => s.status === 'exception')).toHaveLength(20);
    const stock = await p.db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', 'LAST-UNITS').executeTakeFirstOrThrow();
    expect(stock).toEqual({ on_hand: 10, reserved: 10 });
    expect(await p.db.selectFrom('reservations').select('order_id').where('sku', '=', 'LAST-UNITS').execute()).toHaveLength(10);
  });
});
