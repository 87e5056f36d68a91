import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { submitPayload } from '../streams/submit.ts';
import { routeBatch } from '../workers/routing/routing-stage.ts';
import { createTestPipeline, eventually, insertPricedOrder, type TestPipeline } from './pipeline-harness.ts';

describe('an address nobody can deliver to', () => {
  let p: TestPipeline;

  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  const pricedOrder = (id: string, province: string, provinceCode: string): Promise<void> =>
    insertPricedOrder(p.db, { id, sku: 'ATL-SKU', qty: 1, address: { province, provinceCode, city: 'Poseidonia', district: '', street: '', detail: '1 Sea Road', receiver: 'Li', phone: '139****0000', postcode: '' } });

  it('submitted through the whole pipeline: kept in Postgres, held as bad_address, never waybilled', async () => {
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 100);
    const workers = await p.startWorkers();
    try {
      const payload = generateShopOrder(7703) as { id: number; shipping_address: Record<string, unknown> };
      payload.shipping_address = { ...payload.shipping_address, province: 'Atlantis', province_code: '' };
      const id = `shop:${payload.id}`;
      await submitPayload(p.bus.js, p.names, 'shop', new TextEncoder().encode(JSON.stringify(payload)));
      const order = await eventually(
        async () => {
          const row = await p.db.selectFrom('orders').select(['status', 'exception_type', 'exception_detail']).where('id', '=', id).executeTakeFirst();
          return row?.status === 'exception' || row?.status === 'waybilled' || row?.status === 'notified' ? row : undefined;
        },
        20_000,
        `${id} held or shipped`,
      );
      expect(order).toEqual({ status: 'exception', exception_type: 'bad_address', exception_detail: expect.stringMatching(/^address\.province: unknown province "Atlantis"/) });
      expect(await p.db.selectFrom('shipments').select('id').where('order_id', '=', id).execute()).toEqual([]);
    } finally {
      await workers.stop();
    }
  });

  it('is held as a bad_address exception naming the field, with no stock or shipment, while a good one is routed', async () => {
    await setStock(p.db, 'ATL-SKU', 'suzhou', 5);
    await pricedOrder('shop:7701', 'Atlantis', '');
    await pricedOrder('shop:7702', '浙江省', '330000');
    await routeBatch(p.db, ['shop:7701', 'shop:7702'], 0);
    const orders = await p.db.selectFrom('orders').select(['id', 'status', 'exception_type', 'exception_detail']).where('id', 'in', ['shop:7701', 'shop:7702']).orderBy('id').execute();
    expect(orders).toEqual([
      { id: 'shop:7701', status: 'exception', exception_type: 'bad_address', exception_detail: 'address.province: unknown province "Atlantis"; correct the address, then re-drive the order' },
      { id: 'shop:7702', status: 'routed', exception_type: null, exception_detail: null },
    ]);
    expect(await p.db.selectFrom('reservations').select('order_id').where('sku', '=', 'ATL-SKU').execute()).toEqual([{ order_id: 'shop:7702' }]);
    expect(await p.db.selectFrom('shipments').select('order_id').where('order_id', '=', 'shop:7701').execute()).toEqual([]);
    const events = await p.db.selectFrom('order_events').select(['type', 'detail']).where('order_id', '=', 'shop:7701').execute();
    expect(events).toEqual([{ type: 'exception', detail: { type: 'bad_address', detail: orders[0]!.exception_detail } }]);
  });
});
