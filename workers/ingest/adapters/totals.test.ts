import { describe, expect, it } from 'vitest';
import { fen } from '../../../streams/money.ts';
import { FieldErrors } from './field-errors.ts';
import { goodsAmount, sumFen } from './totals.ts';

const line = (unitPrice: number, qty: number) => ({
  lineId: '1',
  sku: 'S',
  platformSkuId: '',
  title: '',
  qty,
  unitPrice: fen(unitPrice),
  refundStatus: 'none' as const,
  gift: false,
});

describe('goodsAmount', () => {
  it('adds unit price × quantity over the lines', () => {
    const errors = new FieldErrors();
    expect(goodsAmount([line(19900, 2), line(4900, 1), line(0, 1)], 'line_items', errors)).toBe(44700);
    expect(errors.isEmpty).toBe(true);
  });

  it('reports a total past exact integers at the lines path instead of throwing', () => {
    const errors = new FieldErrors();
    expect(goodsAmount([line(Number.MAX_SAFE_INTEGER, 2)], 'items', errors)).toBe(0);
    expect(errors.list).toEqual([{ path: 'items', message: 'the amounts of the lines are too large to add up' }]);
  });
});

describe('sumFen', () => {
  it('adds amounts, or reports an overflow at the path', () => {
    const errors = new FieldErrors();
    expect(sumFen([fen(100), fen(250)], 'payments', errors)).toBe(350);
    expect(sumFen([fen(Number.MAX_SAFE_INTEGER), fen(1)], 'payments', errors)).toBe(0);
    expect(errors.list).toEqual([{ path: 'payments', message: 'the amounts are too large to add up' }]);
  });
});
