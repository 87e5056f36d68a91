import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOrders } from '../sql/queries/order-list.ts';
import { createTestPipeline, insertPricedOrder, type TestPipeline } from './pipeline-harness.ts';

describe('order list filters', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p.close();
  });

  it('narrows by shop account: two stores of one channel told apart, the default account named after the channel', async () => {
    for (const id of ['shop:ol1', 'shop:ol2', 'shop:ol3']) await insertPricedOrder(p.db, { id, sku: 'SKU-OL', qty: 1 });
    await p.db.updateTable('orders').set({ shop: 'flagship' }).where('id', 'in', ['shop:ol2', 'shop:ol3']).execute();
    const ids = async (shop?: string) => (await listOrders(p.db, { shop, limit: 10 })).map((r) => r.id).sort();
    expect(await ids('flagship')).toEqual(['shop:ol2', 'shop:ol3']);
    expect(await ids('shop')).toEqual(['shop:ol1']);
    expect(await ids()).toEqual(['shop:ol1', 'shop:ol2', 'shop:ol3']);
    expect((await listOrders(p.db, { shop: 'flagship', status: 'priced', limit: 1 })).map((r) => r.shop)).toEqual(['flagship']);
  });
});
