import { describe, expect, it } from 'vitest';
import { formatFieldErrors, type NormalizeResult } from '../../../streams/canonical-order.ts';
import { loadFixture } from '../../../test/fixtures/channels/load-fixture.ts';
import { normalizeJd } from './jd.ts';
import { LineIds } from './line-ids.ts';
import { MAX_PAYLOAD_DEPTH, payloadShapeErrors } from './payload-shape.ts';
import { normalizeShop } from './shop.ts';
import { normalizeTmall } from './tmall.ts';

type Json = Record<string, unknown>;

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function errorsOf(result: NormalizeResult): string {
  if (result.ok) throw new Error('expected the payload to be refused');
  return formatFieldErrors(result.errors);
}

function shop(): Json & { line_items: Json[] } {
  return loadFixture('shop', 'paid-multi-line.json') as Json & { line_items: Json[] };
}

describe('payloadShapeErrors', () => {
  it('passes ordinary payloads, surrogate pairs (emoji) included', () => {
    expect(payloadShapeErrors(shop())).toEqual([]);
    expect(payloadShapeErrors({ note: '茶 🍵', list: [{ a: nested(MAX_PAYLOAD_DEPTH - 3) }] })).toEqual([]);
  });

  it('refuses a lone surrogate in a value or a key, naming where', () => {
    expect(payloadShapeErrors({ customer: { first_name: 'Li\udc00' } })).toEqual([
      { path: 'customer.first_name', message: 'must be valid Unicode, got a lone surrogate (\\ud800-\\udfff)' },
    ]);
    expect(payloadShapeErrors({ tags: ['ok', '\ud800x'] })[0]?.path).toBe('tags[1]');
    expect(payloadShapeErrors({ 'k\udc00': 1 })[0]?.message).toMatch(/^key must be valid Unicode/);
  });

  it('refuses a NUL in a key, showing it escaped', () => {
    expect(payloadShapeErrors({ note_attributes: { 'a\0b': 'x' } })).toEqual([
      { path: 'note_attributes.a\\u0000b', message: 'key must not contain NUL characters' },
    ]);
  });

  it('refuses nesting 5,000 deep without overflowing the stack', () => {
    const errors = payloadShapeErrors({ ignored: nested(5000) });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe(`is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
    expect(errors[0]!.path.startsWith('ignored[0][0]')).toBe(true);
  });
});

describe('adapters refuse at once what could never be stored', () => {
  it('a lone surrogate in an ignored field', () => {
    expect(errorsOf(normalizeShop({ ...shop(), landing_site: '\udc00' }))).toBe(
      'landing_site: must be valid Unicode, got a lone surrogate (\\ud800-\\udfff)',
    );
  });

  it('a NUL in a key', () => {
    expect(errorsOf(normalizeShop({ ...shop(), 'x\0': 1 }))).toBe('x\\u0000: key must not contain NUL characters');
  });

  it('JSON nested 5,000 deep in an ignored field', () => {
    expect(errorsOf(normalizeShop({ ...shop(), ignored: nested(5000) }))).toMatch(/^ignored(\[0\])+: is nested deeper than 64 levels$/);
  });

  it('duplicate line_items[].id (Shopify)', () => {
    const payload = shop();
    payload.line_items = [payload.line_items[0]!, { ...payload.line_items[1]!, id: payload.line_items[0]!.id }];
    expect(errorsOf(normalizeShop(payload))).toContain(
      `line_items[1].id: repeats the line id "${String(payload.line_items[0]!.id)}" of line_items[0].id; line ids must be unique within an order`,
    );
  });

  it('duplicate orders.order[].oid_str (Tmall)', () => {
    const payload = loadFixture('tmall', 'paid-multi-line-envelope.json') as Json;
    const text = JSON.stringify(payload);
    const lines = [...text.matchAll(/"oid_str":\s*"(\d+)"/g)].map((m) => m[1]!);
    expect(lines.length).toBeGreaterThan(1);
    const duplicated = JSON.parse(text.replace(`"oid_str":"${lines[1]}"`, `"oid_str":"${lines[0]}"`)) as unknown;
    expect(errorsOf(normalizeTmall(duplicated))).toMatch(/orders\.order\[1\]\.oid_str: repeats the line id "\d+" of .*orders\.order\[0\]\.oid_str/);
  });

  it('generated line ids (JD, Pinduoduo) never collide, even with a SKU id that looks generated', () => {
    const ids = new LineIds();
    expect(['A', 'A', 'A#2', 'A'].map((sku) => ids.next(sku))).toEqual(['A', 'A#2', 'A#2#2', 'A#3']);
    expect(normalizeJd).toBeTypeOf('function');
  });
});
