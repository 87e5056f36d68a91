import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { saveRuleSet, setProduct } from '../sql/queries/pricing.ts';
import { submitPayload } from '../streams/submit.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const RULES = {
  promotions: [
    { id: 'P-2ND-HALF', level: 'item', type: 'nth_item_percent_off', nth: 2, percentOff: 50, skus: ['TEA-LJ-250'] },
    { id: 'C-300-50', level: 'store', type: 'threshold_off', threshold: 30000, amountOff: 5000, requiresClaim: true },
    { id: 'G-CUP-BAG', level: 'item', type: 'gift', minQty: 1, giftSku: 'GIFT-BAG', giftQty: 1, categories: ['teaware'] },
  ],
};

/** A shop order of the given lines, its totals as the shop computed them. */
function shopOrder(id: number, lines: { sku: string; quantity: number; price: string }[], totals: { discount: string; shipping: string; total: string }) {
  return {
    ...generateShopOrder(id),
    id,
    line_items: lines.map((l, i) => ({ id: id * 10 + i, title: l.sku, total_discount: '0.00', ...l })),
    total_discounts: totals.discount,
    discount_codes: [{ code: 'C-300-50', amount: totals.discount, type: 'fixed_amount' }],
    shipping_lines: [{ price: totals.shipping }],
    total_price: totals.total,
  };
}

describe('the pricing stage', () => {
  let p: TestPipeline;
  const encoder = new TextEncoder();
  const submit = (payload: object, channel = 'shop') => submitPayload(p.bus.js, p.names, channel, encoder.encode(JSON.stringify(payload)));
  const waitFor = (id: string, status: string) =>
    eventually(async () => {
      const row = await p.db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirst();
      return row?.status === status ? true : undefined;
    }, 20_000, `${id} ${status}`);

  beforeAll(async () => {
    p = await createTestPipeline();
    for (const sku of ['TEA-LJ-250', 'CUP-WHITE', 'GIFT-BAG']) await setStock(p.db, sku, 'suzhou', 100);
    await setProduct(p.db, 'CUP-WHITE', 'teaware');
    await saveRuleSet(p.db, RULES, 'test', 'double eleven');
    await p.startWorkers();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('prices a shop order by the rule set, stores the trace and line payables, and lets it through', async () => {
    // 第二件半价 takes the pair to 298.50, so the 满300减50 coupon is not reached.
    await submit(shopOrder(101, [{ sku: 'TEA-LJ-250', quantity: 2, price: '199.00' }], { discount: '99.50', shipping: '10.00', total: '308.50' }));
    await waitFor('shop:101', 'notified');
    const pricing = await p.db.selectFrom('order_pricing').selectAll().where('order_id', '=', 'shop:101').executeTakeFirstOrThrow();
    expect(pricing).toMatchObject({ method: 'engine', rule_set_version: 1, payable_fen: 30850 });
    const trace = (pricing.result as { trace: { promotionId: string; discount: number; note?: string }[] }).trace;
    expect(trace.map((t) => [t.promotionId, t.discount])).toEqual([
      ['P-2ND-HALF', 9950],
      ['C-300-50', 0],
    ]);
    const line = await p.db.selectFrom('order_lines').select('payable_fen').where('order_id', '=', 'shop:101').executeTakeFirstOrThrow();
    expect(line.payable_fen).toBe(29850);
  });

  it('makes an order whose payment does not match the rule set a payment-mismatch exception', async () => {
    await submit(shopOrder(102, [{ sku: 'TEA-LJ-250', quantity: 2, price: '199.00' }], { discount: '108.00', shipping: '10.00', total: '300.00' }));
    await waitFor('shop:102', 'exception');
    const order = await p.db.selectFrom('orders').select(['exception_type', 'exception_detail']).where('id', '=', 'shop:102').executeTakeFirstOrThrow();
    expect(order).toEqual({ exception_type: 'payment_mismatch', exception_detail: 'payment mismatch: rule set v1 prices the order at 308.50, paid 300.00' });
    expect(await p.db.selectFrom('reservations').select('sku').where('order_id', '=', 'shop:102').execute()).toEqual([]);
  });

  it('adds a promotion gift as a line that is reserved and ships with its main line', async () => {
    await submit(shopOrder(103, [{ sku: 'CUP-WHITE', quantity: 1, price: '49.00' }], { discount: '0.00', shipping: '10.00', total: '59.00' }));
    await waitFor('shop:103', 'notified');
    const lines = await p.db.selectFrom('order_lines').select(['line_id', 'sku', 'qty', 'gift']).where('order_id', '=', 'shop:103').orderBy('line_id').execute();
    expect(lines).toEqual([
      { line_id: '1030', sku: 'CUP-WHITE', qty: 1, gift: false },
      { line_id: '1030-gift', sku: 'GIFT-BAG', qty: 1, gift: true },
    ]);
    const reserved = await p.db.selectFrom('reservations').select(['line_id', 'warehouse']).where('order_id', '=', 'shop:103').orderBy('line_id').execute();
    expect(reserved).toEqual([
      { line_id: '1030', warehouse: 'suzhou' },
      { line_id: '1030-gift', warehouse: 'suzhou' },
    ]);
    expect(await p.db.selectFrom('shipments').select('id').where('order_id', '=', 'shop:103').execute()).toHaveLength(1);
  });

  it("keeps a platform order's own price and apportions its discounts to lines by funding source", async () => {
    const payload = JSON.parse(readFileSync(new URL('./fixtures/channels/jd/wait-stock-out-coupons.json', import.meta.url), 'utf8')) as { orderId: string };
    await submit(payload, 'jd');
    const id = `jd:${payload.orderId}`;
    const pricing = await eventually(
      async () => p.db.selectFrom('order_pricing').selectAll().where('order_id', '=', id).executeTakeFirst(),
      20_000,
      `${id} priced`,
    );
    const order = await p.db.selectFrom('orders').select(['paid_fen', 'platform_discount_fen', 'shop_discount_fen']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(pricing.method).toBe('platform');
    expect(pricing.payable_fen).toBe(order.paid_fen);
    const lines = (pricing.result as { lines: { platformFunded: number; shopFunded: number }[] }).lines;
    expect(lines.reduce((n, l) => n + l.platformFunded, 0)).toBe(order.platform_discount_fen);
    expect(lines.reduce((n, l) => n + l.shopFunded, 0)).toBe(order.shop_discount_fen);
  });
});

describe('rule set versions', () => {
  let p: TestPipeline;
  const encoder = new TextEncoder();
  beforeAll(async () => {
    p = await createTestPipeline();
    await setStock(p.db, 'TEA-LJ-250', 'suzhou', 100);
    await p.startWorkers();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('prices new orders by the newest version and never re-prices an order priced under an older one', async () => {
    const order = (id: number, total: string, discount: string) => ({
      ...generateShopOrder(id),
      id,
      line_items: [{ id: id * 10, sku: 'TEA-LJ-250', title: '龙井', quantity: 1, price: '199.00', total_discount: '0.00' }],
      total_line_items_price: '199.00',
      total_discounts: discount,
      discount_codes: [],
      shipping_lines: [{ price: '0.00' }],
      total_price: total,
    });
    const pricingOf = (id: number) =>
      eventually(async () => p.db.selectFrom('order_pricing').select(['rule_set_version', 'payable_fen']).where('order_id', '=', `shop:${id}`).executeTakeFirst(), 20_000, `shop:${id} priced`);

    const v1 = await saveRuleSet(p.db, { promotions: [] }, 'ops', 'no promotions');
    await submitPayload(p.bus.js, p.names, 'shop', encoder.encode(JSON.stringify(order(111, '199.00', '0.00'))));
    expect(await pricingOf(111)).toEqual({ rule_set_version: v1, payable_fen: 19900 });

    const v2 = await saveRuleSet(p.db, { promotions: [{ id: 'TEN', level: 'item', type: 'percent_off', percentOff: 10 }] }, 'ops', '10% off everything');
    await submitPayload(p.bus.js, p.names, 'shop', encoder.encode(JSON.stringify(order(112, '179.10', '19.90'))));
    expect(await pricingOf(112)).toEqual({ rule_set_version: v2, payable_fen: 17910 });
    expect(await pricingOf(111)).toEqual({ rule_set_version: v1, payable_fen: 19900 });
    const history = await p.db.selectFrom('rule_sets').select(['version', 'created_by', 'note']).orderBy('version').execute();
    expect(history).toEqual([
      { version: v1, created_by: 'ops', note: 'no promotions' },
      { version: v2, created_by: 'ops', note: '10% off everything' },
    ]);
  });
});
