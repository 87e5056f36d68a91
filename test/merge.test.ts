import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { routeBatch } from '../workers/routing/routing-stage.ts';
import { submitPayload } from '../streams/submit.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

/** Orders of one buyer to one address: the same payload under other ids. */
function sameBuyer(id: number, extra: object = {}) {
  return { ...generateShopOrder(5), id, name: `#${id}`, line_items: [{ id: id * 10, sku: 'CUP-WHITE', title: '盖碗', quantity: 1, price: '49.00', total_discount: '0.00' }], total_line_items_price: '49.00', total_discounts: '0.00', discount_codes: [], shipping_lines: [{ price: '10.00' }], total_price: '59.00', ...extra };
}

describe('merge (合单)', () => {
  let p: TestPipeline;
  const encoder = new TextEncoder();
  const submit = (payload: object) => submitPayload(p.bus.js, p.names, 'shop', encoder.encode(JSON.stringify(payload)));
  const shipmentOf = (id: number) =>
    eventually(async () => (await p.db.selectFrom('shipment_orders').select('shipment_id').where('order_id', '=', `shop:${id}`).executeTakeFirst())?.shipment_id, 20_000, `shop:${id} routed`);

  beforeAll(async () => {
    p = await createTestPipeline();
    await setStock(p.db, 'CUP-WHITE', 'suzhou', 100);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('puts paid orders of one shop, buyer and address in one shipment, never cash on delivery, each keeping its money', async () => {
    // No waybill stage yet, so the first shipment is still open when the second order is routed.
    const early = await p.startWorkers(['ingest', 'dedupe', 'pricing', 'routing']);
    await submit(sameBuyer(601));
    const first = await shipmentOf(601);
    await submit(sameBuyer(602));
    await submit(sameBuyer(603, { payment_gateway_names: ['Cash on Delivery (COD)'], gateway: 'Cash on Delivery (COD)' }));
    expect(await shipmentOf(602)).toBe(first);
    expect(await shipmentOf(603)).not.toBe(first);
    await early.stop();

    const all = await p.startWorkers(['ingest', 'dedupe', 'pricing', 'routing', 'pick', 'waybill', 'notify']);
    for (const id of [601, 602, 603]) {
      await eventually(async () => ((await p.db.selectFrom('orders').select('status').where('id', '=', `shop:${id}`).executeTakeFirst())?.status === 'notified' ? true : undefined), 20_000, `shop:${id} notified`);
    }
    await all.stop();
    const carrier = (await (await fetch(`${p.carrier.url}/stats`)).json()) as { issued: number };
    expect(carrier.issued).toBe(2);
    const paid = await p.db.selectFrom('orders').select(['id', 'paid_fen']).where('id', 'in', ['shop:601', 'shop:602']).orderBy('id').execute();
    expect(paid).toEqual([
      { id: 'shop:601', paid_fen: 5900 },
      { id: 'shop:602', paid_fen: 5900 },
    ]);
  });

  it('takes a cancelled order out of its merged shipment, and never voids the waybill the other order ships under', async () => {
    const early = await p.startWorkers(['ingest', 'dedupe', 'pricing', 'routing']);
    const x = { ...sameBuyer(611), updated_at: '2026-11-11T00:00:00+08:00' };
    await submit(x);
    const shared = await shipmentOf(611);
    await submit(sameBuyer(612));
    expect(await shipmentOf(612)).toBe(shared);
    await submit({ ...x, updated_at: '2026-11-11T00:10:00+08:00', cancelled_at: '2026-11-11T00:10:00+08:00', financial_status: 'voided' });
    await eventually(async () => ((await p.db.selectFrom('orders').select('status').where('id', '=', 'shop:611').executeTakeFirst())?.status === 'cancelled' ? true : undefined), 20_000, 'shop:611 cancelled');
    await early.stop();
    const members = await p.db.selectFrom('shipment_orders').select('order_id').where('shipment_id', '=', shared).execute();
    expect(members).toEqual([{ order_id: 'shop:612' }]);

    const before = (await (await fetch(`${p.carrier.url}/stats`)).json()) as { voided: number };
    const late = await p.startWorkers(['ingest', 'dedupe', 'pricing', 'routing', 'pick', 'waybill', 'notify']);
    await eventually(async () => ((await p.db.selectFrom('orders').select('status').where('id', '=', 'shop:612').executeTakeFirst())?.status === 'notified' ? true : undefined), 20_000, 'shop:612 notified');
    await late.stop();
    const after = (await (await fetch(`${p.carrier.url}/stats`)).json()) as { voided: number };
    expect(after.voided).toBe(before.voided);
    const shipment = await p.db.selectFrom('shipments').select('waybill_no').where('id', '=', shared).executeTakeFirstOrThrow();
    expect(shipment.waybill_no).toMatch(/^SIM/);
  });

  it('ships every order alone when merging is off', async () => {
    // Two orders of one key routed with a window of 0: the switch the configuration sets.
    for (const id of [701, 702]) {
      await p.db.insertInto('orders').values({ id: `shop:${id}`, channel: 'shop', external_id: String(id), status: 'priced', channel_status: 'paid', refund_status: 'none', version: 1, placed_at: new Date(), paid_at: new Date(), channel_updated_at: new Date(), buyer: 'b', address: '{}', payment_method: 'online', goods_fen: 4900, discount_fen: 0, shipping_fen: 0, paid_fen: 4900, coupons: '[]', buyer_message: '', seller_memo: '', raw: '{}' }).execute();
    }
    await p.db.insertInto('order_lines').values([701, 702].map((id) => ({ order_id: `shop:${id}`, line_id: '1', sku: 'CUP-WHITE', platform_sku_id: '', title: 'cup', qty: 1, unit_price_fen: 4900, payable_fen: 4900, refund_status: 'none', gift: false }))).execute();
    await routeBatch(p.db, ['shop:701', 'shop:702'], 0);
    const shipments = await p.db.selectFrom('shipment_orders').select('shipment_id').where('order_id', 'in', ['shop:701', 'shop:702']).execute();
    expect(new Set(shipments.map((s) => s.shipment_id)).size).toBe(2);
  });

  it('never merges orders of two shop accounts of one platform, each order keeping its shop', async () => {
    const early = await p.startWorkers(['ingest', 'dedupe', 'pricing', 'routing']);
    const submitTo = (shop: string | undefined, payload: object) => submitPayload(p.bus.js, p.names, 'shop', encoder.encode(JSON.stringify(payload)), shop);
    await submitTo('shop-outlet', sameBuyer(621));
    const outlet = await shipmentOf(621);
    // Same buyer and address, same platform, the seller's other store: a parcel of its own.
    await submitTo(undefined, sameBuyer(622));
    await submitTo('shop-outlet', sameBuyer(623));
    expect(await shipmentOf(622)).not.toBe(outlet);
    expect(await shipmentOf(623)).toBe(outlet);
    await early.stop();
    const shops = await p.db.selectFrom('orders').select(['id', 'shop']).where('id', 'in', ['shop:621', 'shop:622', 'shop:623']).orderBy('id').execute();
    expect(shops).toEqual([
      { id: 'shop:621', shop: 'shop-outlet' },
      { id: 'shop:622', shop: 'shop' },
      { id: 'shop:623', shop: 'shop-outlet' },
    ]);
  });
});
