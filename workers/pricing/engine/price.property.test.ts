import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../streams/canonical-order.ts';
import { compileRuleSet } from './compile-rule-set.ts';
import { parsePriceOrder, type PriceOrder } from './order-input.ts';
import { price } from './price.ts';
import type { PriceResult } from './price-result.ts';
import { parseRuleSet, type RuleSet } from './rule-set.ts';

const SKUS = ['TEA-1', 'TEA-2', 'CUP-1', 'CUP-2', 'NUT-1', 'NUT-2'];
const CATEGORIES = ['tea', 'cup', 'snack'];
/** Ascending instants in mixed offsets; orders are placed at the middle ones so windows both hit and miss. */
const INSTANTS = [
  '2026-12-11T23:00:00+08:00',
  '2026-12-12T00:00:00+08:00',
  '2026-12-12T00:03:00+08:00',
  '2026-12-12T12:00:00Z',
  '2026-12-31T00:00:00Z',
];
const PLACED_AT = INSTANTS.slice(0, 4);
// Few id prefixes so ties between ids and sort orders unlike the array order both occur.
const ID_PREFIXES = ['A', 'B', 'P', 'Z'];

/** Present one time in five: restrictions that are always there would filter most promotions out. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary, weight: 1 });

const window = fc
  .uniqueArray(fc.integer({ min: 0, max: INSTANTS.length - 1 }), { minLength: 2, maxLength: 2 })
  .chain(([a = 0, b = 1]) =>
    fc.record({
      validFrom: sometimes(fc.constant(INSTANTS[Math.min(a, b)] ?? '')),
      validTo: sometimes(fc.constant(INSTANTS[Math.max(a, b)] ?? '')),
    }),
  );

const common = fc.record({
  channels: sometimes(fc.subarray([...CHANNELS], { minLength: 1 })),
  stackable: sometimes(fc.boolean()),
  requiresClaim: sometimes(fc.boolean()),
});

const itemScope = fc.record(
  { skus: fc.subarray(SKUS, { minLength: 1 }), categories: fc.subarray(CATEGORIES, { minLength: 1 }) },
  { requiredKeys: [] },
);
const orderLevel = fc.constantFrom('category', 'store', 'platform');
const amount = fc.integer({ min: 1, max: 60000 });

const thresholdOff = fc
  .record({
    level: orderLevel,
    type: fc.constant('threshold_off'),
    threshold: amount,
    amountOff: amount,
    categories: fc.subarray(CATEGORIES, { minLength: 1 }),
    repeat: sometimes(fc.boolean()),
    cap: sometimes(amount),
  })
  .map(({ categories, ...rest }) => (rest.level === 'category' ? { ...rest, categories } : rest));

const body = fc.oneof(
  fc.record({ level: fc.constant('item'), type: fc.constant('percent_off'), percentOff: fc.integer({ min: 0, max: 100 }) }),
  fc.record({
    level: fc.constant('item'),
    type: fc.constant('nth_item_percent_off'),
    nth: fc.integer({ min: 1, max: 4 }),
    percentOff: fc.integer({ min: 0, max: 100 }),
  }),
  fc.record({ level: fc.constant('item'), type: fc.constant('fixed_price'), price: fc.integer({ min: 0, max: 30000 }) }),
  fc.record({ level: fc.constant('item'), type: fc.constant('buy_n_get_m'), buy: fc.integer({ min: 1, max: 3 }), free: fc.integer({ min: 1, max: 2 }) }),
  fc.record({
    level: fc.constant('item'),
    type: fc.constant('gift'),
    minQty: fc.integer({ min: 1, max: 4 }),
    giftSku: fc.constantFrom('SPOON', 'BAG'),
    giftQty: fc.integer({ min: 1, max: 2 }),
  }),
  // Order-level promotions are where combinations happen, so they come up as often as all item types together.
  { arbitrary: thresholdOff, weight: 4 },
  fc.record({ level: orderLevel, type: fc.constant('free_shipping'), threshold: amount }),
);

const promotion = fc.tuple(body, common, window, itemScope).map(([b, c, w, scope]) =>
  withoutUndefined({ ...c, ...w, ...(b.level === 'item' ? scope : {}), ...b }),
);

function withoutUndefined(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

const ruleSetJson = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...ID_PREFIXES), promotion), { maxLength: 12 }),
    fc.option(fc.shuffledSubarray(['category', 'store', 'platform'], { minLength: 3 }), { nil: undefined }),
  )
  .map(([entries, order]) => ({
    ...(order === undefined ? {} : { order }),
    promotions: entries.map(([prefix, p], i) => ({ id: `${prefix}-${i}`, ...p })),
  }));

const orderJson = (ids: readonly string[]) =>
  fc.record({
    orderId: fc.constant('prop-1'),
    channel: fc.constantFrom(...CHANNELS),
    placedAt: fc.constantFrom(...PLACED_AT),
    lines: fc
      .array(
        fc.record({
          sku: fc.constantFrom(...SKUS),
          category: fc.constantFrom(...CATEGORIES),
          qty: fc.integer({ min: 1, max: 12 }),
          unitPrice: fc.oneof(fc.integer({ min: 0, max: 30000 }), fc.constantFrom(1, 3, 1990, 19900)),
        }),
        { minLength: 1, maxLength: 6 },
      )
      .map((lines) => lines.map((line, i) => ({ lineId: String(i + 1), ...line }))),
    shippingFee: fc.constantFrom(0, 600, 1000),
    coupons: fc.subarray([...ids]),
  });

/** A valid rule set and an order that may claim some of its promotions. */
const case_ = ruleSetJson.chain((rulesJson) =>
  orderJson(rulesJson.promotions.map((p) => p.id)).map((order) => {
    const rules = parseRuleSet(rulesJson);
    const parsedOrder = parsePriceOrder(order);
    if (!rules.ok) throw new Error(`generator made an invalid rule set: ${rules.errors.join('; ')}`);
    if (!parsedOrder.ok) throw new Error(`generator made an invalid order: ${parsedOrder.errors.join('; ')}`);
    return { rules: rules.value, order: parsedOrder.value };
  }),
);

const RUNS = { numRuns: 150 };

function checkMoney(order: PriceOrder, result: PriceResult): void {
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  expect(sum(result.lines.map((l) => l.payable))).toBe(result.goodsPayable);
  expect(sum(result.lines.map((l) => l.listAmount))).toBe(result.goodsTotal);
  expect(result.goodsTotal - result.discountTotal).toBe(result.goodsPayable);
  expect(result.payable).toBe(result.goodsPayable + result.shippingFee);
  expect([0, order.shippingFee]).toContain(result.shippingFee);
  for (const line of result.lines) {
    const allocated = sum(Object.values(line.allocations));
    expect(line.payable).toBe(line.listAmount - line.itemDiscount - allocated);
    expect(line.payable).toBeGreaterThanOrEqual(0);
    expect(line.itemDiscount).toBeGreaterThanOrEqual(0);
    for (const share of Object.values(line.allocations)) expect(share).toBeGreaterThan(0);
    if (line.gift === true) expect(line).toMatchObject({ listAmount: 0, payable: 0, allocations: {} });
  }
  for (const total of [result.goodsTotal, result.discountTotal, result.goodsPayable, result.payable]) {
    expect(total).toBeGreaterThanOrEqual(0);
  }
}

describe('price, for any valid order and rule set', () => {
  it('adds up: line payables sum to goods payable, nothing below zero', () => {
    fc.assert(
      fc.property(case_, ({ rules, order }) => checkMoney(order, price(order, rules))),
      RUNS,
    );
  });

  it('explains every fen: goods discounts in the trace add up to the discount total, allocations to their step', () => {
    fc.assert(
      fc.property(case_, ({ rules, order }) => {
        const result = price(order, rules);
        const goodsSteps = result.trace.filter((t) => t.type !== 'free_shipping');
        expect(goodsSteps.reduce((s, t) => s + t.discount, 0)).toBe(result.discountTotal);
        for (const step of goodsSteps) {
          if (step.level === 'item' || step.discount === 0) continue;
          const allocated = result.lines.reduce((s, l) => s + (l.allocations[step.promotionId] ?? 0), 0);
          expect(allocated).toBe(step.discount);
        }
        expect(result.trace.map((t) => t.step)).toEqual(result.trace.map((_, i) => i + 1));
      }),
      RUNS,
    );
  });

  it('keeps the combination rules: one threshold per store/platform level, disjoint category scopes, non-stackable alone', () => {
    fc.assert(
      fc.property(case_, ({ rules, order }) => {
        const result = price(order, rules);
        const applied = result.trace.filter((t) => t.level !== 'item' && t.discount > 0);
        for (const level of ['store', 'platform'] as const) {
          expect(applied.filter((t) => t.level === level && t.type === 'threshold_off').length).toBeLessThanOrEqual(1);
        }
        const categoryLines = applied.filter((t) => t.level === 'category' && t.type === 'threshold_off').flatMap((t) => t.scope ?? []);
        expect(new Set(categoryLines).size).toBe(categoryLines.length);
        const stackable = new Map(rules.promotions.map((p) => [p.id, p.stackable !== false]));
        const alone = applied.find((t) => stackable.get(t.promotionId) === false);
        if (alone !== undefined) expect(applied).toEqual([alone]);
      }),
      RUNS,
    );
  });

  it('does not depend on the order of the promotions array', () => {
    const shuffled = case_.chain(({ rules, order }) =>
      fc
        .shuffledSubarray([...rules.promotions], { minLength: rules.promotions.length })
        .map((promotions): [RuleSet, RuleSet, PriceOrder] => [rules, { ...rules, promotions }, order]),
    );
    fc.assert(
      fc.property(shuffled, ([rules, reordered, order]) => {
        expect(price(order, reordered)).toEqual(price(order, rules));
      }),
      RUNS,
    );
  });

  it('gives the same result twice, compiled or not, and survives a JSON round trip', () => {
    fc.assert(
      fc.property(case_, ({ rules, order }) => {
        const compiled = compileRuleSet(rules);
        const first = price(order, compiled);
        expect(price(order, compiled)).toEqual(first);
        expect(price(order, rules)).toEqual(first);
        expect(JSON.parse(JSON.stringify(first))).toEqual(first);
      }),
      RUNS,
    );
  });
});
