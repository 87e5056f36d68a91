import { describe, expect, it } from 'vitest';
import { FieldErrors, childPath, describeValue } from './field-errors.ts';
import { PayloadReader } from './payload-reader.ts';

function read(payload: unknown): { reader: PayloadReader; errors: FieldErrors } {
  const errors = new FieldErrors();
  const reader = PayloadReader.root(payload, errors);
  if (!reader) throw new Error('expected an object payload');
  return { reader, errors };
}

describe('childPath', () => {
  it('builds the paths the errors use', () => {
    expect(childPath('', 'tid')).toBe('tid');
    expect(childPath('orders', 'order')).toBe('orders.order');
    expect(childPath('orders.order', 2)).toBe('orders.order[2]');
    expect(childPath(childPath('orders.order', 2), 'num')).toBe('orders.order[2].num');
  });
});

describe('describeValue', () => {
  it('keeps error messages short', () => {
    expect(describeValue('x'.repeat(1000))).toBe('a 1000-character string');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(-1)).toBe('-1');
    expect(describeValue(10n)).toBe('a bigint');
  });
});

describe('PayloadReader', () => {
  it('rejects a payload that is not an object at path ""', () => {
    const errors = new FieldErrors();
    expect(PayloadReader.root([1, 2], errors)).toBeUndefined();
    expect(errors.list).toEqual([{ path: '', message: 'payload must be a JSON object, got an array' }]);
  });

  it('reads through dotted list paths and names every bad element', () => {
    const { reader, errors } = read({ orders: { order: [{ num: 2 }, 'x', { num: -1 }] } });
    const nums = reader.list('orders.order', { required: true }).map((order) => order.count('num'));
    expect(nums).toEqual([2, 1]);
    expect(errors.list).toEqual([
      { path: 'orders.order[1]', message: 'must be an object, got "x"' },
      { path: 'orders.order[2].num', message: 'must be a positive integer, got -1' },
    ]);
  });

  it('treats absent, null and empty optional fields alike', () => {
    const { reader, errors } = read({ a: null, b: '', d: '  x  ' });
    expect([reader.text('a'), reader.text('b'), reader.text('c'), reader.text('d')]).toEqual(['', '', '', 'x']);
    expect([reader.yuan('a'), reader.fen('b'), reader.time('c'), reader.object('a'), reader.list('b')]).toEqual([
      0,
      0,
      null,
      undefined,
      [],
    ]);
    expect(errors.isEmpty).toBe(true);
  });

  it('reads "not yet" times as null', () => {
    const { reader, errors } = read({ a: 0, b: '0000-00-00 00:00:00', c: '0001-01-01 00:00:00' });
    expect([reader.time('a'), reader.time('b'), reader.time('c')]).toEqual([null, null, null]);
    expect(errors.isEmpty).toBe(true);
  });

  it('reports wrong types and missing required fields', () => {
    const { reader, errors } = read({ id: 1.5, name: { first: 'a' }, qty: '3', price: true, list: {} });
    reader.id('id');
    reader.text('name');
    reader.text('missing', { required: true });
    expect(reader.count('qty')).toBe(3);
    reader.yuan('price');
    reader.list('list');
    expect(errors.list).toEqual([
      { path: 'id', message: 'must be an integer id, got 1.5' },
      { path: 'name', message: 'must be text, got an object' },
      { path: 'missing', message: 'is required' },
      { path: 'price', message: 'must be a yuan amount as a string or number, got boolean' },
      { path: 'list', message: 'must be a list, got an object' },
    ]);
  });

  it('looks codes up without falling into Object.prototype', () => {
    const { reader, errors } = read({ status: 'constructor' });
    expect(reader.oneOf('status', new Map([['paid', 'paid']]))).toBeUndefined();
    expect(errors.list).toEqual([{ path: 'status', message: 'must be one of paid, got "constructor"' }]);
  });
});
