import { describe, expect, it } from 'vitest';
import { buyerRoute } from '../notify/buyer-reach.ts';
import { planReplacement, platformExternalId, replacementOrderId, type OriginalOrder } from './replacement-order.ts';

const ORIGINAL: OriginalOrder = {
  id: 'tmall:1001',
  channel: 'tmall',
  externalId: '1001',
  shop: 'tmall-outlet',
  buyer: 'buyer-1',
  address: { province: '四川省', provinceCode: '510000', contact: { phone: 'k1:sealed' } },
  lines: [
    { lineId: '1', sku: 'TEA', platformSkuId: 'P-TEA', title: 'tea', unitPriceFen: 9900 },
    { lineId: '2', sku: 'CUP', platformSkuId: 'P-CUP', title: 'cup', unitPriceFen: 4200 },
  ],
};

describe('an exchange replacement order', () => {
  it('copies shop, buyer and the sealed address, carries the exchanged units at list price, and is named after the ticket', () => {
    const r = planReplacement(ORIGINAL, 7, [{ lineId: '1', qty: 2 }, { lineId: '2', qty: 1 }]);
    expect(r).toEqual({
      id: 'tmall:1001#x7',
      channel: 'tmall',
      externalId: '1001#x7',
      shop: 'tmall-outlet',
      buyer: 'buyer-1',
      address: ORIGINAL.address,
      goodsFen: 2 * 9900 + 4200,
      memo: 'exchange: replaces TEA x2, CUP x1 of tmall:1001 (after-sales ticket 7)',
      lines: [
        { lineId: '1', sku: 'TEA', platformSkuId: 'P-TEA', title: 'tea', qty: 2, unitPriceFen: 9900 },
        { lineId: '2', sku: 'CUP', platformSkuId: 'P-CUP', title: 'cup', qty: 1, unitPriceFen: 4200 },
      ],
    });
    expect(replacementOrderId(ORIGINAL, 7)).toBe(r.id);
  });

  it('refuses a line the order does not have, or no units', () => {
    expect(() => planReplacement(ORIGINAL, 7, [{ lineId: '9', qty: 1 }])).toThrow('ticket 7: line 9 is not a line of tmall:1001');
    expect(() => planReplacement(ORIGINAL, 7, [])).toThrow('ticket 7: an exchange with no units');
  });

  it('is messaged through the marketplace under the order the platform knows', () => {
    expect(platformExternalId('1001#x7')).toBe('1001');
    expect(platformExternalId('1001')).toBe('1001');
    expect(platformExternalId('A#xB')).toBe('A#xB');
    expect(buyerRoute('tmall:1001#x7', '')).toEqual({ via: 'platform', channel: 'tmall', externalId: '1001' });
    expect(buyerRoute('tmall:1001#x7', '17000000123')).toEqual({ via: 'sms', phone: '17000000123' });
  });
});
