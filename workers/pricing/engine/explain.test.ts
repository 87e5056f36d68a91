import { describe, expect, it } from 'vitest';
import { explain } from './explain.ts';
import { price } from './price.ts';
import { testOrder, testRules } from './test-orders.ts';

describe('explain', () => {
  it('answers why the spec example pays 298.50 for its goods', () => {
    const result = price(
      testOrder([['TEA-001', 'tea', 2, 19900]], { coupons: ['C-300-50'], shippingFee: 1000 }),
      testRules([
        { id: 'P-2ND-HALF', level: 'item', type: 'nth_item_percent_off', skus: ['TEA-001'], nth: 2, percentOff: 50 },
        { id: 'C-300-50', level: 'store', type: 'threshold_off', threshold: 30000, amountOff: 5000, requiresClaim: true },
      ]),
    );
    expect(explain(result)).toBe(
      [
        'Order test-1 pays 308.50',
        '  goods 398.00 - discounts 99.50 = 298.50, + shipping 10.00',
        '',
        'Steps (amounts in yuan)',
        '  #  level  promotion   type                  lines    base  discount',
        '  1  item   P-2ND-HALF  nth_item_percent_off  1      398.00    -99.50',
        '  2  store  C-300-50    threshold_off         all    298.50      0.00',
        '     threshold 300.00 not reached',
        '',
        'Lines',
        '  line  sku      qty    list  item disc  order disc  payable',
        '  1     TEA-001    2  398.00     -99.50        0.00   298.50',
      ].join('\n'),
    );
  });

  it('shows allocations, gift lines, exclusions and waived shipping', () => {
    const text = explain(
      price(
        testOrder([['TEA', 'tea', 2, 10000], ['CUP', 'cup', 1, 5001]], { shippingFee: 800 }),
        testRules([
          { id: 'GIFT', level: 'item', type: 'gift', skus: ['TEA'], minQty: 2, giftSku: 'SPOON', giftQty: 1 },
          { id: 'S-10', level: 'store', type: 'threshold_off', threshold: 100, amountOff: 1000 },
          { id: 'S-05', level: 'store', type: 'threshold_off', threshold: 100, amountOff: 500 },
          { id: 'FREE', level: 'platform', type: 'free_shipping', threshold: 100 },
        ]),
      ),
    );
    expect(text).toContain('Order test-1 pays 240.01');
    expect(text).toMatch(/S-05 +threshold_off +all +250\.01 +0\.00\n {5}S-10 gives a larger discount; excluded by S-10\n/);
    expect(text).toMatch(/FREE +free_shipping +all +240\.01 +-8\.00\n {5}goods payable 240\.01 reaches threshold 1\.00; shipping 8\.00 waived/);
    expect(text).toContain('1-gift (gift)  SPOON');
    expect(text).toMatch(/2 +CUP +1 +50\.01 +0\.00 +-2\.00 +48\.01\n +order discount by promotion: S-10 2\.00$/);
  });

  it('keeps every line within an 80-column terminal, the free text below its row', () => {
    const text = explain(
      price(
        testOrder([['TEA-LJ-250', 'tea', 1, 19900], ['TEA-PE-357', 'tea', 2, 26800], ['CUP-WHITE', 'cup', 1, 4900]], { shippingFee: 1200 }),
        testRules([
          { id: 'SAVE20', level: 'store', type: 'threshold_off', threshold: 30000, amountOff: 2000 },
          { id: 'S-05', level: 'store', type: 'threshold_off', threshold: 100, amountOff: 500 },
          { id: 'FREE-SHIPPING-OVER-99', level: 'platform', type: 'free_shipping', threshold: 9900 },
        ]),
      ),
    );
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('says so when nothing applies', () => {
    expect(explain(price(testOrder([['A', 'x', 1, 100]]), testRules([])))).toContain('(no promotion applies to this order)');
  });
});
