import { describe, expect, it } from 'vitest';
import { planRouting } from './plan-routing.ts';
import { compileRoutingRules } from './routing-rules.ts';

const line = (sku: string, qty: number, lineId = '1') => ({ lineId, sku, qty, gift: false, valueFen: 5000 * qty });
const suzhouOnly = compileRoutingRules({ regions: [], default: ['suzhou'], split: { minShipmentValueFen: 0, maxShipments: 3 } }, 1);
const nowhere = { provinceCode: '', province: '' };

describe('planRouting', () => {
  it('reserves all or nothing and never takes stock below zero across the orders of a batch', () => {
    const plan = planRouting(
      [
        { orderId: 'a', lines: [line('TEA', 3)], address: nowhere, mergeKey: null },
        { orderId: 'b', lines: [line('TEA', 2), line('CUP', 1, '2')], address: nowhere, mergeKey: null },
        { orderId: 'c', lines: [line('TEA', 2)], address: nowhere, mergeKey: null },
      ],
      new Map([['TEA|suzhou', 5], ['CUP|suzhou', 0]]),
      [],
      suzhouOnly,
    );
    expect(plan.orders.map((o) => o.outcome)).toEqual(['routed', 'backorder', 'routed']);
    expect(plan.orders[1]).toMatchObject({ detail: 'backorder: CUP needs 1, 0 available in suzhou' });
    expect(plan.reserve).toEqual(new Map([['TEA|suzhou', 5]]));
  });

  it('merges orders of one key into the open shipment, or into the first new one of the batch', () => {
    const orders = [
      { orderId: 'a', lines: [line('TEA', 1)], address: nowhere, mergeKey: 'k1' },
      { orderId: 'b', lines: [line('TEA', 1)], address: nowhere, mergeKey: 'k2' },
      { orderId: 'c', lines: [line('TEA', 1)], address: nowhere, mergeKey: 'k2' },
      { orderId: 'd', lines: [line('TEA', 1)], address: nowhere, mergeKey: null },
    ];
    const plan = planRouting(orders, new Map([['TEA|suzhou', 9]]), [{ id: 'old#1', mergeKey: 'k1', warehouse: 'suzhou' }], suzhouOnly);
    const shipmentOf = Object.fromEntries(plan.orders.map((o) => [o.orderId, o.outcome === 'routed' ? o.shipments.map((s) => s.shipmentId).join() : '']));
    expect(shipmentOf).toEqual({ a: 'old#1', b: 'b#1', c: 'b#1', d: 'd#1' });
    expect(plan.newShipments.map((s) => s.id)).toEqual(['b#1', 'd#1']);
  });

  it('merges per warehouse: a split order joins the open shipment of its key in each warehouse it ships from', () => {
    const two = compileRoutingRules({ regions: [], default: ['suzhou', 'beijing'], split: { minShipmentValueFen: 0, maxShipments: 3 } }, 1);
    const plan = planRouting(
      [{ orderId: 'a', lines: [line('TEA', 1), line('CUP', 1, '2')], address: nowhere, mergeKey: 'k' }],
      new Map([['TEA|suzhou', 1], ['CUP|beijing', 1]]),
      [{ id: 'old#1', mergeKey: 'k', warehouse: 'beijing' }],
      two,
    );
    expect(plan.orders[0]).toMatchObject({ outcome: 'routed', warehouse: 'suzhou', shipments: [{ shipmentId: 'a#1', warehouse: 'suzhou' }, { shipmentId: 'old#1', warehouse: 'beijing' }] });
    expect(plan.reserve).toEqual(new Map([['TEA|suzhou', 1], ['CUP|beijing', 1]]));
  });
});
