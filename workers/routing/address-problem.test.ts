import { describe, expect, it } from 'vitest';
import { addressProblem } from './address-problem.ts';
import { planRouting } from './plan-routing.ts';
import { compileRoutingRules } from './routing-rules.ts';

const atlantis = { province: 'Atlantis', provinceCode: '', city: 'Poseidonia', detail: '1 Sea Road' };

describe('addressProblem', () => {
  it('names the field of an address no carrier can deliver to', () => {
    expect(addressProblem(atlantis)).toBe('address.province: unknown province "Atlantis"; correct the address, then re-drive the order');
    expect(addressProblem({ ...atlantis, province: '' })).toBe('address.province: is required to ship; correct the address, then re-drive the order');
  });

  it('passes a known province, and an order with no address at all', () => {
    expect(addressProblem({ province: '浙江省', provinceCode: '330000', city: '杭州市', detail: '文三路 1 号' })).toBeUndefined();
    expect(addressProblem({ province: '', provinceCode: '', city: '', detail: '' })).toBeUndefined();
  });
});

describe('planRouting with an undeliverable address', () => {
  it('holds the order as bad_address and reserves nothing for it', () => {
    const lines = [{ lineId: '1', sku: 'TEA', qty: 1, gift: false, valueFen: 100 }];
    const address = { provinceCode: '', province: 'Atlantis' };
    const plan = planRouting(
      [
        { orderId: 'shop:1', lines, address, mergeKey: null, addressProblem: addressProblem(atlantis)! },
        { orderId: 'shop:2', lines, address, mergeKey: null },
      ],
      new Map([['TEA|suzhou', 1]]),
      [],
      compileRoutingRules({ regions: [], default: ['suzhou'], split: { minShipmentValueFen: 0, maxShipments: 1 } }, 1),
    );
    expect(plan.orders).toEqual([
      { orderId: 'shop:1', outcome: 'bad_address', detail: addressProblem(atlantis) },
      expect.objectContaining({ orderId: 'shop:2', outcome: 'routed' }),
    ]);
    expect(plan.reserve).toEqual(new Map([['TEA|suzhou', 1]]));
  });
});
