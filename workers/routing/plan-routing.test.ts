import { describe, expect, it } from 'vitest';
import { planRouting } from './plan-routing.ts';

const line = (sku: string, qty: number, lineId = '1') => ({ lineId, sku, qty });

describe('planRouting', () => {
  it('reserves all or nothing and never takes stock below zero across the orders of a batch', () => {
    const plan = planRouting(
      [
        { orderId: 'a', lines: [line('TEA', 3)], mergeKey: null },
        { orderId: 'b', lines: [line('TEA', 2), line('CUP', 1, '2')], mergeKey: null },
        { orderId: 'c', lines: [line('TEA', 2)], mergeKey: null },
      ],
      new Map([['TEA|suzhou', 5], ['CUP|suzhou', 0]]),
      [],
      ['suzhou'],
    );
    expect(plan.orders.map((o) => o.outcome)).toEqual(['routed', 'backorder', 'routed']);
    expect(plan.orders[1]).toMatchObject({ detail: 'backorder: CUP needs 1, 0 available in suzhou' });
    expect(plan.reserve).toEqual(new Map([['TEA|suzhou', 5]]));
  });

  it('merges orders of one key into the open shipment, or into the first new one of the batch', () => {
    const orders = [
      { orderId: 'a', lines: [line('TEA', 1)], mergeKey: 'k1' },
      { orderId: 'b', lines: [line('TEA', 1)], mergeKey: 'k2' },
      { orderId: 'c', lines: [line('TEA', 1)], mergeKey: 'k2' },
      { orderId: 'd', lines: [line('TEA', 1)], mergeKey: null },
    ];
    const plan = planRouting(orders, new Map([['TEA|suzhou', 9]]), [{ id: 'old#1', mergeKey: 'k1', warehouse: 'suzhou' }], ['suzhou']);
    const shipmentOf = Object.fromEntries(plan.orders.map((o) => [o.orderId, o.outcome === 'routed' ? o.shipmentId : '']));
    expect(shipmentOf).toEqual({ a: 'old#1', b: 'b#1', c: 'b#1', d: 'd#1' });
    expect(plan.newShipments.map((s) => s.id)).toEqual(['b#1', 'd#1']);
  });
});
