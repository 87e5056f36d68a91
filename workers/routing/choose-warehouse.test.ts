import { describe, expect, it } from 'vitest';
import { chooseWarehouse } from './choose-warehouse.ts';

describe('chooseWarehouse', () => {
  const lines = [
    { lineId: '1', sku: 'TEA', qty: 2 },
    { lineId: '1-gift', sku: 'CUP', qty: 1 },
  ];

  it('takes the first warehouse that covers every line', () => {
    const stock = new Map([
      ['TEA|suzhou', 1],
      ['CUP|suzhou', 9],
      ['TEA|chengdu', 5],
      ['CUP|chengdu', 1],
    ]);
    expect(chooseWarehouse(lines, stock, ['suzhou', 'chengdu'])).toEqual({ ok: true, warehouse: 'chengdu' });
  });

  it('adds up lines of the same SKU before comparing', () => {
    const twice = [
      { lineId: '1', sku: 'TEA', qty: 2 },
      { lineId: '2', sku: 'TEA', qty: 2 },
    ];
    expect(chooseWarehouse(twice, new Map([['TEA|suzhou', 3]]), ['suzhou']).ok).toBe(false);
  });

  it('names every short SKU in a backorder', () => {
    expect(chooseWarehouse(lines, new Map([['TEA|suzhou', 1]]), ['suzhou'])).toEqual({
      ok: false,
      type: 'backorder',
      detail: 'backorder: TEA needs 2, 1 available in suzhou; CUP needs 1, 0 available in suzhou',
    });
  });
});
