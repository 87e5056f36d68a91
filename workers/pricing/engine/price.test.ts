import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileRuleSet } from './compile-rule-set.ts';
import { parsePriceOrder } from './order-input.ts';
import { price } from './price.ts';
import type { PriceResult, TraceEntry } from './price-result.ts';
import { parseRuleSet } from './rule-set.ts';
import { testOrder, testRules } from './test-orders.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/pricing/${name}`, import.meta.url), 'utf8'));

const stepOf = (result: PriceResult, promotionId: string): TraceEntry | undefined =>
  result.trace.find((t) => t.promotionId === promotionId);

const secondHalf = { id: 'P-2ND-HALF', level: 'item', type: 'nth_item_percent_off', skus: ['TEA-001'], nth: 2, percentOff: 50 };
const coupon300 = { id: 'C-300-50', level: 'store', type: 'threshold_off', threshold: 30000, amountOff: 5000, requiresClaim: true };
const store = (id: string, threshold: number, amountOff: number, more: object = {}) => ({
  id,
  level: 'store',
  type: 'threshold_off',
  threshold,
  amountOff,
  ...more,
});

describe('the spec example', () => {
  it('prices the example order exactly as the contract shows', () => {
    const order = parsePriceOrder(fixture('spec-example-order.json'));
    const rules = parseRuleSet(fixture('spec-example-rules.json'));
    if (!order.ok || !rules.ok) throw new Error('fixtures must be valid');
    const result = price(order.value, rules.value);
    expect(result).toMatchObject(fixture('spec-example-result.json') as object);
    expect(result.trace).toHaveLength(2);
    expect(result.lines).toHaveLength(1);
  });

  it('第二件半价 runs before 满300减50: a pair at 199.00 pays 298.50 and misses the coupon', () => {
    const result = price(testOrder([['TEA-001', 'tea', 2, 19900]], { coupons: ['C-300-50'] }), testRules([coupon300, secondHalf]));
    expect(result.goodsPayable).toBe(29850);
    expect(result.lines[0]?.allocations).toEqual({});
    expect(stepOf(result, 'C-300-50')).toMatchObject({ base: 29850, discount: 0, note: 'threshold 30000 not reached' });
  });

  it('第二件半价 then 满300减50 when three at 199.00 reach the coupon', () => {
    // 3 × 199.00 = 597.00; the second unit at half price leaves 497.50 >= 300.00, so 50.00 more comes off.
    const result = price(testOrder([['TEA-001', 'tea', 3, 19900]], { coupons: ['C-300-50'] }), testRules([secondHalf, coupon300]));
    expect(result).toMatchObject({ goodsTotal: 59700, discountTotal: 14950, goodsPayable: 44750, payable: 44750 });
    expect(result.lines[0]).toMatchObject({ itemDiscount: 9950, allocations: { 'C-300-50': 5000 }, payable: 44750 });
    expect(result.trace.map((t) => [t.step, t.promotionId, t.base, t.discount])).toEqual([
      [1, 'P-2ND-HALF', 59700, 9950],
      [2, 'C-300-50', 49750, 5000],
    ]);
  });

  it('reaches the coupon when a second line lifts the subtotal past 300.00', () => {
    const result = price(
      testOrder([['TEA-001', 'tea', 2, 19900], ['CUP-01', 'cup', 1, 1000]], { coupons: ['C-300-50'] }),
      testRules([secondHalf, coupon300]),
    );
    // 298.50 + 10.00 = 308.50 reaches 300.00; 50.00 apportioned 29850:1000.
    expect(result.goodsPayable).toBe(30850 - 5000);
    expect(result.lines.map((l) => l.allocations['C-300-50'])).toEqual([4838, 162]);
  });
});

describe('item level', () => {
  it('rounds percent_off half-up per unit, not per line', () => {
    // 19.90 at 25% off is 14.925 -> 14.93 per unit, so three units pay 44.79 (per line it would be 44.78).
    const result = price(testOrder([['A', 'x', 3, 1990]]), testRules([{ id: 'P', level: 'item', type: 'percent_off', percentOff: 25 }]));
    expect(result.lines[0]).toMatchObject({ itemDiscount: 1491, payable: 4479 });
  });

  it('rounds down below the half', () => {
    // 19.99 at 15% off is 16.9915 -> 16.99.
    const result = price(testOrder([['A', 'x', 2, 1999]]), testRules([{ id: 'P', level: 'item', type: 'percent_off', percentOff: 15 }]));
    expect(result.lines[0]?.payable).toBe(3398);
  });

  it('gives every nth unit its percentage', () => {
    const rules = testRules([{ id: 'P', level: 'item', type: 'nth_item_percent_off', nth: 3, percentOff: 100 }]);
    expect(price(testOrder([['A', 'x', 7, 1000]]), rules).lines[0]?.itemDiscount).toBe(2000);
    expect(price(testOrder([['A', 'x', 2, 1000]]), rules).lines[0]?.itemDiscount).toBe(0);
  });

  it('caps each unit at the fixed price and never raises it', () => {
    const rules = testRules([{ id: 'P', level: 'item', type: 'fixed_price', price: 3999 }]);
    expect(price(testOrder([['A', 'x', 2, 5000]]), rules).lines[0]?.itemDiscount).toBe(2002);
    const above = price(testOrder([['A', 'x', 2, 3000]]), rules);
    expect(above.lines[0]?.itemDiscount).toBe(0);
    expect(stepOf(above, 'P')).toMatchObject({ discount: 0, note: 'gives line 1 no discount' });
  });

  it('makes `free` units of every complete buy+free group cost 0', () => {
    const rules = testRules([{ id: 'P', level: 'item', type: 'buy_n_get_m', buy: 2, free: 1 }]);
    expect(price(testOrder([['A', 'x', 7, 1000]]), rules).lines[0]?.itemDiscount).toBe(2000);
    expect(price(testOrder([['A', 'x', 2, 1000]]), rules).lines[0]?.itemDiscount).toBe(0);
  });

  it('applies the largest discount per line and traces the loser as excluded', () => {
    const result = price(
      testOrder([['A', 'x', 2, 10000]]),
      testRules([
        { id: 'SMALL', level: 'item', type: 'percent_off', percentOff: 10 },
        { id: 'BIG', level: 'item', type: 'fixed_price', price: 5000 },
      ]),
    );
    expect(result.lines[0]?.itemDiscount).toBe(10000);
    expect(stepOf(result, 'BIG')).toMatchObject({ step: 1, discount: 10000, scope: ['1'] });
    expect(stepOf(result, 'SMALL')).toMatchObject({ step: 2, discount: 0, excludedBy: 'BIG', note: 'BIG gives line 1 a larger discount' });
  });

  it('breaks an equal discount by the smaller id, whatever the array order', () => {
    const a = { id: 'A-10', level: 'item', type: 'percent_off', percentOff: 10 };
    const b = { id: 'B-10', level: 'item', type: 'fixed_price', price: 9000 };
    for (const promotions of [[a, b], [b, a]]) {
      const result = price(testOrder([['S', 'x', 1, 10000]]), testRules(promotions));
      expect(stepOf(result, 'A-10')?.discount).toBe(1000);
      expect(stepOf(result, 'B-10')?.excludedBy).toBe('A-10');
    }
  });

  it('chooses per line: each line gets its own best promotion', () => {
    const result = price(
      testOrder([['TEA', 'tea', 1, 10000], ['CUP', 'cup', 1, 10000]]),
      testRules([
        { id: 'ALL-10', level: 'item', type: 'percent_off', percentOff: 10 },
        { id: 'TEA-30', level: 'item', type: 'percent_off', percentOff: 30, categories: ['tea'] },
      ]),
    );
    expect(result.lines.map((l) => l.itemDiscount)).toEqual([3000, 1000]);
    expect(stepOf(result, 'ALL-10')?.scope).toEqual(['2']);
    expect(stepOf(result, 'TEA-30')?.scope).toEqual(['1']);
  });

  it('scopes by skus and/or categories: a line matching either is in scope', () => {
    const rules = testRules([{ id: 'P', level: 'item', type: 'percent_off', percentOff: 50, skus: ['A'], categories: ['tea'] }]);
    const result = price(testOrder([['A', 'cup', 1, 1000], ['B', 'tea', 1, 1000], ['C', 'cup', 1, 1000]]), rules);
    expect(result.lines.map((l) => l.itemDiscount)).toEqual([500, 500, 0]);
    expect(result.trace).toHaveLength(1);
  });

  it('adds a gift line after its main line, combined with one price promotion', () => {
    const result = price(
      testOrder([['TEA', 'tea', 2, 10000], ['CUP', 'cup', 1, 5000]], { coupons: [] }),
      testRules([
        { id: 'GIFT', level: 'item', type: 'gift', categories: ['tea'], minQty: 2, giftSku: 'SPOON', giftQty: 1 },
        { id: 'HALF', level: 'item', type: 'percent_off', categories: ['tea'], percentOff: 50 },
        store('S', 1, 1500),
      ]),
    );
    expect(result.lines.map((l) => l.lineId)).toEqual(['1', '1-gift', '2']);
    expect(result.lines[1]).toEqual({
      lineId: '1-gift',
      sku: 'SPOON',
      qty: 1,
      listAmount: 0,
      itemDiscount: 0,
      allocations: {},
      payable: 0,
      gift: true,
    });
    expect(result.lines[0]).toMatchObject({ itemDiscount: 10000, allocations: { S: 1000 }, payable: 9000 });
    expect(result.lines[2]).toMatchObject({ allocations: { S: 500 }, payable: 4500 });
    expect(stepOf(result, 'GIFT')).toMatchObject({ discount: 0, scope: ['1'], note: 'adds 1 × SPOON as 1-gift' });
    expect(result.goodsPayable).toBe(13500);
  });

  it('adds no gift below minQty, and only the smaller id of two gifts', () => {
    const gifts = [
      { id: 'G2', level: 'item', type: 'gift', minQty: 1, giftSku: 'MUG', giftQty: 2 },
      { id: 'G1', level: 'item', type: 'gift', minQty: 3, giftSku: 'SPOON', giftQty: 1 },
    ];
    const low = price(testOrder([['TEA', 'tea', 2, 100]]), testRules(gifts));
    expect(low.lines.map((l) => [l.lineId, l.sku, l.qty])).toEqual([['1', 'TEA', 2], ['1-gift', 'MUG', 2]]);
    expect(stepOf(low, 'G1')?.note).toBe('line 1 qty 2 is below minQty 3');
    const high = price(testOrder([['TEA', 'tea', 3, 100]]), testRules(gifts));
    expect(high.lines.map((l) => l.sku)).toEqual(['TEA', 'SPOON']);
    expect(stepOf(high, 'G2')?.excludedBy).toBe('G1');
  });
});

describe('order levels', () => {
  it('applies a threshold exactly at the threshold and not a fen below', () => {
    const rules = testRules([store('S', 30000, 5000)]);
    expect(price(testOrder([['A', 'x', 1, 30000]]), rules).goodsPayable).toBe(25000);
    expect(price(testOrder([['A', 'x', 1, 29999]]), rules).goodsPayable).toBe(29999);
  });

  it('repeats 每满300减50 per whole threshold, up to the cap', () => {
    const repeat = testRules([store('S', 30000, 5000, { repeat: true })]);
    expect(price(testOrder([['A', 'x', 1, 95000]]), repeat).discountTotal).toBe(15000);
    expect(price(testOrder([['A', 'x', 1, 60000]]), repeat).discountTotal).toBe(10000);
    expect(price(testOrder([['A', 'x', 1, 59999]]), repeat).discountTotal).toBe(5000);
    const capped = price(testOrder([['A', 'x', 1, 95000]]), testRules([store('S', 30000, 5000, { repeat: true, cap: 12000 })]));
    expect(capped.discountTotal).toBe(12000);
    expect(stepOf(capped, 'S')?.note).toBe('threshold 30000 reached 3 times; capped at 12000');
  });

  it('never takes more than the scope subtotal', () => {
    const result = price(testOrder([['A', 'x', 1, 3000]], { shippingFee: 800 }), testRules([store('S', 100, 50000)]));
    expect(result).toMatchObject({ goodsPayable: 0, discountTotal: 3000, payable: 800 });
    expect(stepOf(result, 'S')?.note).toBe('threshold 100 reached; limited to the scope subtotal');
  });

  it('applies at most one store threshold: the largest, ties to the smaller id', () => {
    const result = price(testOrder([['A', 'x', 1, 50000]]), testRules([store('S-30', 30000, 3000), store('S-50', 40000, 5000), store('S-99', 90000, 9000)]));
    expect(result.discountTotal).toBe(5000);
    expect(result.trace.map((t) => [t.promotionId, t.discount, t.excludedBy, t.note])).toEqual([
      ['S-50', 5000, undefined, 'threshold 40000 reached'],
      ['S-30', 0, 'S-50', 'S-50 gives a larger discount'],
      ['S-99', 0, undefined, 'threshold 90000 not reached'],
    ]);
    const tie = price(testOrder([['A', 'x', 1, 50000]]), testRules([store('S-B', 100, 5000), store('S-A', 200, 5000)]));
    expect(stepOf(tie, 'S-A')?.discount).toBe(5000);
    expect(stepOf(tie, 'S-B')?.excludedBy).toBe('S-A');
  });

  it('runs a store and a platform threshold one after the other on running subtotals', () => {
    const result = price(
      testOrder([['A', 'x', 1, 40000]]),
      testRules([store('S', 30000, 5000), { id: 'PL', level: 'platform', type: 'threshold_off', threshold: 35000, amountOff: 1000 }]),
    );
    // After the store's 50.00, 350.00 is exactly the platform threshold.
    expect(stepOf(result, 'PL')).toMatchObject({ level: 'platform', base: 35000, discount: 1000 });
    expect(result.goodsPayable).toBe(34000);
  });

  it('runs the levels in the sequence the rule set gives', () => {
    const promotions = [
      { id: 'CAT', level: 'category', type: 'threshold_off', categories: ['tea'], threshold: 20000, amountOff: 5000 },
      store('S', 20000, 1000),
    ];
    const order = testOrder([['TEA', 'tea', 1, 20000]]);
    const byDefault = price(order, testRules(promotions));
    expect(byDefault.trace.map((t) => [t.promotionId, t.discount])).toEqual([['CAT', 5000], ['S', 0]]);
    const storeFirst = price(order, testRules(promotions, ['store', 'category', 'platform']));
    expect(storeFirst.trace.map((t) => [t.promotionId, t.discount])).toEqual([['S', 1000], ['CAT', 0]]);
  });

  it('takes category promotions greedily, skipping one whose scope shares a line', () => {
    const result = price(
      testOrder([['T', 'tea', 1, 20000], ['C', 'cup', 1, 10000], ['S', 'snack', 1, 10000]]),
      testRules([
        { id: 'TEA-CUP', level: 'category', type: 'threshold_off', categories: ['tea', 'cup'], threshold: 100, amountOff: 3000 },
        { id: 'TEA', level: 'category', type: 'threshold_off', categories: ['tea'], threshold: 100, amountOff: 5000 },
        { id: 'CUP', level: 'category', type: 'threshold_off', categories: ['cup'], threshold: 100, amountOff: 1000 },
        { id: 'SNACK', level: 'category', type: 'threshold_off', categories: ['snack'], threshold: 50000, amountOff: 1000 },
      ]),
    );
    expect(result.lines.map((l) => l.allocations)).toEqual([{ TEA: 5000 }, { CUP: 1000 }, {}]);
    expect(result.trace.map((t) => [t.promotionId, t.scope, t.discount, t.excludedBy])).toEqual([
      ['TEA', ['1'], 5000, undefined],
      ['CUP', ['2'], 1000, undefined],
      ['SNACK', ['3'], 0, undefined],
      ['TEA-CUP', ['1', '2'], 0, 'TEA'],
    ]);
  });

  it('omits category promotions for categories the order does not have', () => {
    const result = price(
      testOrder([['T', 'tea', 1, 20000]]),
      testRules([{ id: 'CUP', level: 'category', type: 'threshold_off', categories: ['cup'], threshold: 100, amountOff: 1000 }]),
    );
    expect(result.trace).toEqual([]);
  });

  it('gives gift lines no share of an order-level discount', () => {
    const result = price(
      testOrder([['T', 'tea', 1, 999], ['C', 'cup', 1, 1]]),
      testRules([{ id: 'G', level: 'item', type: 'gift', skus: ['C'], minQty: 1, giftSku: 'X', giftQty: 1 }, store('S', 1, 500)]),
    );
    expect(result.lines.map((l) => [l.lineId, l.allocations['S'] ?? 0])).toEqual([['1', 500], ['2', 0], ['2-gift', 0]]);
  });
});

describe('apportionment across lines', () => {
  it('gives the leftover fen to the largest fractional remainders, ties to the earlier line', () => {
    const three = price(testOrder([['A', 'x', 1, 100], ['B', 'x', 1, 100], ['C', 'x', 1, 100]]), testRules([store('S', 1, 10)]));
    expect(three.lines.map((l) => l.allocations['S'])).toEqual([4, 3, 3]);
    // 2 fen over 100:200 is 0.67 and 1.33: floors 0 and 1, the leftover fen goes to the .67.
    const uneven = price(testOrder([['A', 'x', 1, 100], ['B', 'x', 1, 200]]), testRules([store('S', 1, 2)]));
    expect(uneven.lines.map((l) => l.allocations['S'])).toEqual([1, 1]);
  });

  it('splits by running amounts after the item level', () => {
    const result = price(
      testOrder([['A', 'x', 1, 10000], ['B', 'y', 1, 10000]]),
      testRules([{ id: 'HALF-A', level: 'item', type: 'percent_off', skus: ['A'], percentOff: 50 }, store('S', 1, 3000)]),
    );
    expect(result.lines.map((l) => l.allocations['S'])).toEqual([1000, 2000]);
    expect(result.lines.reduce((s, l) => s + l.payable, 0)).toBe(result.goodsPayable);
  });
});

describe('free shipping', () => {
  const freeOver99 = { id: 'FREE-99', level: 'store', type: 'free_shipping', threshold: 9900 };

  it('waives shipping when the goods payable reaches the threshold, boundary included', () => {
    expect(price(testOrder([['A', 'x', 1, 9900]], { shippingFee: 1000 }), testRules([freeOver99]))).toMatchObject({
      shippingFee: 0,
      payable: 9900,
    });
    expect(price(testOrder([['A', 'x', 1, 9899]], { shippingFee: 1000 }), testRules([freeOver99]))).toMatchObject({
      shippingFee: 1000,
      payable: 10899,
    });
  });

  it('is evaluated last, against the goods payable after every discount, whatever its level', () => {
    const categoryFree = { ...freeOver99, level: 'category' };
    const result = price(testOrder([['A', 'x', 1, 10000]], { shippingFee: 1000 }), testRules([categoryFree, store('S', 10000, 500)]));
    expect(result).toMatchObject({ goodsPayable: 9500, shippingFee: 1000, payable: 10500 });
    expect(result.trace.map((t) => [t.promotionId, t.base, t.discount])).toEqual([['S', 10000, 500], ['FREE-99', 9500, 0]]);
  });

  it('traces the waived fee as the discount of the step', () => {
    const result = price(testOrder([['A', 'x', 1, 20000]], { shippingFee: 1000 }), testRules([freeOver99, { ...freeOver99, id: 'FREE-150', threshold: 15000 }]));
    expect(result.trace.map((t) => [t.promotionId, t.discount, t.excludedBy])).toEqual([
      ['FREE-150', 1000, undefined],
      ['FREE-99', 0, 'FREE-150'],
    ]);
    expect(result.discountTotal).toBe(0);
  });
});

describe('non-stackable promotions', () => {
  it('leaves a line with a non-stackable item promotion out of every order-level scope', () => {
    const result = price(
      testOrder([['A', 'x', 1, 20000], ['B', 'x', 1, 20000]]),
      testRules([{ id: 'FLASH', level: 'item', type: 'percent_off', skus: ['A'], percentOff: 10, stackable: false }, store('S', 30000, 5000)]),
    );
    // Only line 2 (200.00) counts towards the store threshold, so 300.00 is not reached.
    expect(stepOf(result, 'S')).toMatchObject({ base: 20000, discount: 0, scope: ['2'] });
    const reached = price(
      testOrder([['A', 'x', 1, 20000], ['B', 'x', 1, 30000]]),
      testRules([{ id: 'FLASH', level: 'item', type: 'percent_off', skus: ['A'], percentOff: 10, stackable: false }, store('S', 30000, 5000)]),
    );
    expect(reached.lines.map((l) => l.allocations)).toEqual([{}, { S: 5000 }]);
  });

  it('does not exclude a line when the non-stackable promotion gives it nothing', () => {
    const result = price(
      testOrder([['A', 'x', 1, 30000]]),
      testRules([{ id: 'NTH', level: 'item', type: 'nth_item_percent_off', nth: 2, percentOff: 50, stackable: false }, store('S', 30000, 5000)]),
    );
    expect(result.discountTotal).toBe(5000);
  });

  it('applies a non-stackable order promotion alone and lists every promotion it dropped', () => {
    const result = price(
      testOrder([['T', 'tea', 1, 50000]], { shippingFee: 1000 }),
      testRules([
        { id: 'CAT', level: 'category', type: 'threshold_off', categories: ['tea'], threshold: 100, amountOff: 8000 },
        store('ALONE', 30000, 3000, { stackable: false }),
        { id: 'PLAT', level: 'platform', type: 'threshold_off', threshold: 100, amountOff: 2000 },
        { id: 'FREE', level: 'store', type: 'free_shipping', threshold: 100 },
      ]),
    );
    expect(result).toMatchObject({ discountTotal: 3000, shippingFee: 1000, payable: 48000 });
    expect(result.trace.map((t) => [t.promotionId, t.discount, t.excludedBy])).toEqual([
      ['CAT', 0, 'ALONE'],
      ['ALONE', 3000, undefined],
      ['PLAT', 0, 'ALONE'],
      ['FREE', 0, 'ALONE'],
    ]);
    expect(stepOf(result, 'CAT')?.note).toBe('not combined: ALONE is not stackable');
  });

  it('ranks non-stackable promotions platform > category > store, then larger discount, then smaller id', () => {
    const order = testOrder([['T', 'tea', 1, 50000]]);
    const promotions = [
      store('S-BIG', 100, 9000, { stackable: false }),
      { id: 'C-MID', level: 'category', type: 'threshold_off', categories: ['tea'], threshold: 100, amountOff: 5000, stackable: false },
      { id: 'P-SMALL', level: 'platform', type: 'threshold_off', threshold: 100, amountOff: 1000, stackable: false },
    ];
    expect(price(order, testRules(promotions)).discountTotal).toBe(1000);
    expect(price(order, testRules(promotions.slice(0, 2))).discountTotal).toBe(5000);
    const sameLevel = [store('S-B', 100, 4000, { stackable: false }), store('S-A', 100, 4000, { stackable: false }), store('S-C', 100, 3000, { stackable: false })];
    const result = price(order, testRules(sameLevel));
    expect(stepOf(result, 'S-A')?.discount).toBe(4000);
    expect(result.trace.filter((t) => t.excludedBy === 'S-A').map((t) => t.promotionId)).toEqual(['S-B', 'S-C']);
  });

  it('lets a non-stackable promotion that would take nothing leave the others alone', () => {
    const result = price(
      testOrder([['T', 'tea', 1, 20000]]),
      testRules([store('BIG-ONLY', 100000, 30000, { stackable: false }), store('S', 10000, 1000)]),
    );
    expect(result.discountTotal).toBe(1000);
    expect(stepOf(result, 'BIG-ONLY')).toMatchObject({ discount: 0, note: 'threshold 100000 not reached' });
  });

  it('can make free shipping the one promotion that applies', () => {
    const result = price(
      testOrder([['T', 'tea', 1, 20000]], { shippingFee: 1200 }),
      testRules([{ id: 'FREE', level: 'platform', type: 'free_shipping', threshold: 100, stackable: false }, store('S', 100, 1000)]),
    );
    expect(result).toMatchObject({ discountTotal: 0, shippingFee: 0, payable: 20000 });
    expect(stepOf(result, 'S')?.excludedBy).toBe('FREE');
  });
});

describe('eligibility', () => {
  const tenOff = (more: object) => testRules([{ id: 'P', level: 'item', type: 'percent_off', percentOff: 10, ...more }]);
  const at = (placedAt: string) => testOrder([['A', 'x', 1, 1000]], { placedAt });

  it('starts at validFrom inclusive and ends at validTo exclusive, comparing instants across offsets', () => {
    const rules = tenOff({ validFrom: '2026-12-11T16:00:00Z', validTo: '2026-12-12T16:00:00Z' });
    expect(price(at('2026-12-12T00:00:00+08:00'), rules).discountTotal).toBe(100);
    expect(price(at('2026-12-11T23:59:59.999+08:00'), rules).discountTotal).toBe(0);
    expect(price(at('2026-12-13T00:00:00+08:00'), rules).discountTotal).toBe(0);
    expect(price(at('2026-12-12T15:59:59Z'), rules).discountTotal).toBe(100);
  });

  it('applies only on its channels', () => {
    const rules = tenOff({ channels: ['pos', 'shop'] });
    expect(price(testOrder([['A', 'x', 1, 1000]], { channel: 'shop' }), rules).discountTotal).toBe(100);
    expect(price(testOrder([['A', 'x', 1, 1000]], { channel: 'tmall' }), rules).discountTotal).toBe(0);
  });

  it('applies a promotion that requires a claim only when its id is among the coupons', () => {
    const rules = tenOff({ requiresClaim: true });
    expect(price(testOrder([['A', 'x', 1, 1000]]), rules)).toMatchObject({ discountTotal: 0, trace: [] });
    expect(price(testOrder([['A', 'x', 1, 1000]], { coupons: ['OTHER', 'P'] }), rules).discountTotal).toBe(100);
  });
});

describe('determinism', () => {
  it('prices the same with a compiled rule set, a plain one, and the promotions reversed', () => {
    const promotions = [
      secondHalf,
      coupon300,
      store('S', 10000, 700),
      { id: 'CAT', level: 'category', type: 'threshold_off', categories: ['tea'], threshold: 100, amountOff: 300 },
      { id: 'FREE', level: 'platform', type: 'free_shipping', threshold: 100 },
    ];
    const order = testOrder([['TEA-001', 'tea', 3, 19900], ['CUP', 'cup', 2, 1234]], { coupons: ['C-300-50'], shippingFee: 600 });
    const plain = price(order, testRules(promotions));
    expect(price(order, compileRuleSet(testRules(promotions)))).toEqual(plain);
    expect(price(order, testRules([...promotions].reverse()))).toEqual(plain);
    expect(plain.lines.reduce((s, l) => s + l.payable, 0)).toBe(plain.goodsPayable);
  });
});

describe('category promotions that tie', () => {
  it('say the excluded one ties and loses on id, not that the other is larger', () => {
    const order = testOrder([
      ['T', 'tea', 1, 30000],
      ['C', 'cup', 1, 30000],
    ]);
    const rules = testRules([
      { id: 'CA', level: 'category', type: 'threshold_off', categories: ['tea'], threshold: 10000, amountOff: 1000 },
      { id: 'CB', level: 'category', type: 'threshold_off', categories: ['tea', 'cup'], threshold: 10000, amountOff: 1000 },
    ]);
    const cb = price(order, rules).trace.find((t) => t.promotionId === 'CB');
    expect(cb).toMatchObject({ discount: 0, excludedBy: 'CA', note: 'shares line 1 with CA, the same discount with the smaller id' });
  });
});
