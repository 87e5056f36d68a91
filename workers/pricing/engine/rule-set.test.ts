import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRuleSet } from './rule-set.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/pricing/${name}`, import.meta.url), 'utf8'));

const one = (promotion: unknown, order?: unknown) => parseRuleSet(order === undefined ? { promotions: [promotion] } : { order, promotions: [promotion] });
const threshold = { id: 'C-300-50', level: 'store', type: 'threshold_off', threshold: 30000, amountOff: 5000 };
const percentOff = { id: 'P-10', level: 'item', type: 'percent_off', percentOff: 10 };

describe('parseRuleSet', () => {
  it('accepts the fixtures, with every promotion type and level', () => {
    expect(parseRuleSet(fixture('spec-example-rules.json')).ok).toBe(true);
    const sale = parseRuleSet(fixture('double-eleven-rules.json'));
    expect(sale.ok).toBe(true);
    if (sale.ok) {
      expect(new Set(sale.value.promotions.map((p) => p.type))).toEqual(
        new Set(['nth_item_percent_off', 'fixed_price', 'buy_n_get_m', 'gift', 'percent_off', 'threshold_off', 'free_shipping']),
      );
    }
  });

  it('accepts an empty rule set and boundary values', () => {
    expect(parseRuleSet({ promotions: [] }).ok).toBe(true);
    expect(one({ ...percentOff, percentOff: 0 }).ok).toBe(true);
    expect(one({ ...percentOff, percentOff: 100 }).ok).toBe(true);
    expect(one({ ...threshold, threshold: 1, amountOff: 1 }).ok).toBe(true);
    expect(one({ id: 'F', level: 'item', type: 'fixed_price', price: 0 }).ok).toBe(true);
  });

  it.each([
    [{ ...threshold, type: 'bogus' }, 'promotions[0].type: unknown promotion type "bogus"; expected one of "percent_off", "nth_item_percent_off", "fixed_price", "buy_n_get_m", "gift", "threshold_off", "free_shipping"'],
    [{ id: 'X', level: 'store' }, 'promotions[0].type: is required (one of "percent_off", "nth_item_percent_off", "fixed_price", "buy_n_get_m", "gift", "threshold_off", "free_shipping")'],
    [{ ...threshold, level: 'shop' }, 'promotions[0].level: unknown level "shop"; expected one of "item", "category", "store", "platform"'],
    [{ ...threshold, level: 'item' }, 'promotions[0].level: a threshold_off promotion runs at level "category", "store", "platform", got "item"'],
    [{ ...percentOff, level: 'store' }, 'promotions[0].level: a percent_off promotion runs at level "item", got "store"'],
    [{ ...threshold, threshold: 0 }, 'promotions[0].threshold: must be at least 1 fen, got 0'],
    [{ ...threshold, amountOff: -5000 }, 'promotions[0].amountOff: must be at least 1 fen, got -5000'],
    [{ ...threshold, amountOff: 49.5 }, 'promotions[0].amountOff: must be an integer amount of fen, got 49.5'],
    [{ ...threshold, cap: 0 }, 'promotions[0].cap: must be at least 1 fen, got 0'],
    [{ ...threshold, repeat: 'yes' }, 'promotions[0].repeat: must be true or false, got "yes"'],
    [{ id: 'F', level: 'item', type: 'fixed_price', price: -1 }, 'promotions[0].price: must not be negative, got -1'],
    [{ id: 'F', level: 'store', type: 'free_shipping', threshold: 0 }, 'promotions[0].threshold: must be at least 1 fen, got 0'],
    [{ ...percentOff, percentOff: 101 }, 'promotions[0].percentOff: must be an integer percentage from 0 to 100, got 101'],
    [{ ...percentOff, percentOff: -10 }, 'promotions[0].percentOff: must be an integer percentage from 0 to 100, got -10'],
    [{ ...percentOff, percentOff: 12.5 }, 'promotions[0].percentOff: must be an integer percentage from 0 to 100, got 12.5'],
    [{ id: 'N', level: 'item', type: 'nth_item_percent_off', nth: 0, percentOff: 50 }, 'promotions[0].nth: must be a positive integer, got 0'],
    [{ id: 'B', level: 'item', type: 'buy_n_get_m', buy: 2, free: 0 }, 'promotions[0].free: must be a positive integer, got 0'],
    [{ id: 'G', level: 'item', type: 'gift', minQty: 1, giftSku: '', giftQty: 1 }, 'promotions[0].giftSku: must be a non-empty string, got ""'],
    [{ ...percentOff, skus: [] }, 'promotions[0].skus: must list at least one sku (omit the field instead)'],
    [{ ...percentOff, channels: ['shop', 'web'] }, 'promotions[0].channels[1]: unknown channel "web"; expected one of tmall, jd, douyin, pdd, shop, pos'],
    [{ ...percentOff, percentoff: 10 }, 'promotions[0].percentoff: unknown field'],
    [{ ...percentOff, validFrom: '2026-12-12' }, 'promotions[0].validFrom: must be an ISO-8601 date-time with an offset, e.g. "2026-12-12T00:00:00+08:00", got "2026-12-12"'],
    [
      { ...percentOff, validFrom: '2026-12-12T00:00:00+08:00', validTo: '2026-12-11T16:00:00Z' },
      'promotions[0].validTo: must be after validFrom (2026-12-12T00:00:00+08:00), got "2026-12-11T16:00:00Z"',
    ],
    [{ ...percentOff, stackable: 'no' }, 'promotions[0].stackable: must be true or false, got "no"'],
    [{ ...threshold, level: 'category' }, 'promotions[0].categories: is required at the category level (the categories it covers)'],
    [{ ...threshold, categories: ['tea'] }, 'promotions[0].categories: only category-level promotions take categories; a store-level promotion covers every line'],
    [{ id: 'F', level: 'store', type: 'free_shipping', threshold: 100, skus: ['A'] }, 'promotions[0].skus: unknown field'],
    [{ ...percentOff, id: '' }, 'promotions[0].id: must be a non-empty string, got ""'],
    [42, 'promotions[0]: must be a promotion object, got 42'],
  ])('rejects %j with one clear line', (promotion, error) => {
    expect(one(promotion)).toEqual({ ok: false, errors: [error] });
  });

  it.each([
    [['store', 'category'], 'order: must list each of "category", "store", "platform" exactly once, got ["store","category"]'],
    [['store', 'store', 'platform'], 'order: must list each of "category", "store", "platform" exactly once, got ["store","store","platform"]'],
    [['item', 'category', 'store'], 'order[0]: the item level always runs first; list only "category", "store" and "platform"'],
    [['category', 'shop', 'platform'], 'order[1]: unknown level "shop"; expected one of "category", "store", "platform"'],
  ])('rejects the level order %j', (order, error) => {
    expect(one(percentOff, order)).toEqual({ ok: false, errors: [error] });
  });

  it('rejects a duplicate id, which would make "tie: smaller id" ambiguous', () => {
    expect(parseRuleSet({ promotions: [percentOff, { ...threshold, id: 'P-10' }] })).toEqual({
      ok: false,
      errors: ['promotions[1].id: duplicate promotion id "P-10" (also promotions[0])'],
    });
  });

  it('rejects the fixture with an unknown type, naming the promotion', () => {
    const result = parseRuleSet(fixture('bad-rules-unknown-type.json'));
    expect(result.ok ? [] : result.errors[0]).toMatch(/^promotions\[3\]\.type: unknown promotion type "bogus"/);
  });

  it.each([[null], [[]], ['rules'], [{}], [{ promotions: {} }], [{ promotions: [], extra: 1 }]])('rejects the document %j', (json) => {
    const result = parseRuleSet(json);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/^(rule set|promotions|extra)(\[\d+\])?: /);
  });

  it('never throws and always answers one line per problem, whatever the JSON', () => {
    const promotionLike = fc.record(
      {
        id: fc.oneof(fc.string(), fc.integer()),
        level: fc.oneof(fc.constantFrom('item', 'category', 'store', 'platform', 'shop'), fc.jsonValue()),
        type: fc.oneof(fc.constantFrom('percent_off', 'threshold_off', 'gift', 'free_shipping', 'bogus'), fc.jsonValue()),
        percentOff: fc.oneof(fc.integer({ min: -10, max: 110 }), fc.double()),
        threshold: fc.oneof(fc.integer({ min: -10, max: 10 }), fc.double()),
        amountOff: fc.jsonValue(),
        categories: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ promotions: fc.array(promotionLike, { maxLength: 4 }) })), (json) => {
        const result = parseRuleSet(json);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) expect(error).toMatch(/^[^\n]+: [^\n]+$/);
        }
      }),
      { numRuns: 400 },
    );
  });
});
