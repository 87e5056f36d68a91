import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePriceOrder } from './order-input.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/pricing/${name}`, import.meta.url), 'utf8'));

const valid = {
  orderId: 'shop-10001',
  channel: 'shop',
  placedAt: '2026-12-12T00:03:00+08:00',
  lines: [{ lineId: '1', sku: 'TEA-001', category: 'tea', qty: 2, unitPrice: 19900 }],
  shippingFee: 1000,
  coupons: ['C-300-50'],
};
const withLine = (line: object) => ({ ...valid, lines: [{ ...valid.lines[0], ...line }] });

describe('parsePriceOrder', () => {
  it('accepts the spec example and defaults missing coupons to none', () => {
    expect(parsePriceOrder(fixture('spec-example-order.json'))).toEqual({ ok: true, value: valid });
    const { coupons: _dropped, ...noCoupons } = valid;
    const parsed = parsePriceOrder(noCoupons);
    expect(parsed.ok && parsed.value.coupons).toEqual([]);
  });

  it.each([
    [withLine({ qty: -1 }), 'lines[0].qty: must be a positive integer, got -1'],
    [withLine({ qty: 0 }), 'lines[0].qty: must be a positive integer, got 0'],
    [withLine({ qty: 1.5 }), 'lines[0].qty: must be a positive integer, got 1.5'],
    [withLine({ unitPrice: 19.9 }), 'lines[0].unitPrice: must be an integer amount of fen, got 19.9'],
    [withLine({ unitPrice: '199.00' }), 'lines[0].unitPrice: must be an integer amount of fen, got "199.00"'],
    [withLine({ unitPrice: -100 }), 'lines[0].unitPrice: must not be negative, got -100'],
    [withLine({ sku: '' }), 'lines[0].sku: must be a non-empty string, got ""'],
    [{ ...valid, shippingFee: -1 }, 'shippingFee: must not be negative, got -1'],
    [{ ...valid, channel: 'web' }, 'channel: unknown channel "web"; expected one of tmall, jd, douyin, pdd, shop, pos'],
    [
      { ...valid, placedAt: '2026-12-12 00:03' },
      'placedAt: must be an ISO-8601 date-time with an offset, e.g. "2026-12-12T00:00:00+08:00", got "2026-12-12 00:03"',
    ],
    [{ ...valid, lines: [] }, 'lines: must have at least one line'],
    [{ ...valid, lines: [valid.lines[0], valid.lines[0]] }, 'lines[1].lineId: duplicate line id "1"'],
    [withLine({ qty: 1_000_000, unitPrice: 10_000_000 }), 'lines[0]: qty × unitPrice is 10000000000000 fen, more than the 10000000000 allowed'],
    [{ ...valid, orderId: undefined }, 'orderId: is required (must be a non-empty string)'],
    [[], 'order: must be an order object, got a list'],
    ['{"orderId": 1}', 'order: must be an order object, got "{\\"orderId\\": 1}"'],
  ])('rejects %j with one clear line', (input, error) => {
    expect(parsePriceOrder(input)).toEqual({ ok: false, errors: [error] });
  });

  it('reports every problem, one line each', () => {
    const result = parsePriceOrder({ ...valid, channel: 'web', lines: [{ ...valid.lines[0], qty: -1, unitPrice: 1.5 }] });
    expect(result.ok ? [] : result.errors).toHaveLength(3);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const result = parsePriceOrder(json);
        if (!result.ok) for (const error of result.errors) expect(error).toMatch(/^[^\n]+: [^\n]+$/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('review findings', () => {
  it('refuses a line id that a gift of another line would take', () => {
    const order = { ...valid, lines: [...valid.lines, { lineId: '1-gift', sku: 'B', category: 'tea', qty: 1, unitPrice: 500 }] };
    expect(parsePriceOrder(order)).toEqual({ ok: false, errors: ['lines[1].lineId: "1-gift" is reserved for a gift of line "1"'] });
  });

  it('refuses an instant finer than a millisecond, which would be compared wrongly at a window edge', () => {
    const result = parsePriceOrder({ ...valid, placedAt: '2026-12-12T00:00:00.0001Z' });
    expect(result).toEqual({ ok: false, errors: ['placedAt: must not be more precise than a millisecond'] });
  });
});
