import { describe, expect, it } from 'vitest';
import { canonicalOrderSchema } from '../../../streams/canonical-order.ts';
import { errorLines, fixtureWith, normalizedFixture } from '../../../test/fixtures/channels/adapter-test-kit.ts';
import { fixtureNames, loadFixture } from '../../../test/fixtures/channels/load-fixture.ts';
import { normalizeShop } from './shop.ts';

const normalized = (name: string) => normalizedFixture(normalizeShop, 'shop', name);
const withChanges = (name: string, change: (payload: any) => void) => fixtureWith('shop', name, change);

describe('normalizeShop', () => {
  it.each(fixtureNames('shop'))('turns %s into a valid canonical order that keeps the payload', (name) => {
    const payload = loadFixture('shop', name);
    const result = normalizeShop(payload);
    expect(errorLines(result)).toEqual([]);
    if (!result.ok) return;
    expect(canonicalOrderSchema.parse(result.order)).toBeTruthy();
    expect(result.order.raw).toBe(payload);
  });

  it('maps a paid multi-line order with a gift, a discount code and shipping', () => {
    const order = normalized('paid-multi-line.json');
    expect(order).toMatchObject({
      id: 'shop:5012345678901',
      channel: 'shop',
      externalId: '5012345678901',
      channelStatus: 'paid',
      refundStatus: 'none',
      placedAt: '2024-11-10T16:05:12.000Z',
      paidAt: '2024-11-10T16:05:14.000Z',
      updatedAt: '2024-11-10T16:06:01.000Z',
      version: Date.parse('2024-11-10T16:06:01Z'),
      buyer: '6200000001',
      coupons: ['DOUBLE11'],
      buyerMessage: '请周末送货，谢谢',
      sellerMemo: '',
      paymentMethod: 'online',
    });
    expect(order.address).toEqual({
      // In clear until the ingest pool task seals it.
      contact: { receiver: '林伟', phone: '+86 138 0013 8000', street: '', detail: '南山区科技园南区深南大道10000号 腾讯滨海大厦 18楼' },
      province: '广东省',
      provinceCode: '440000',
      city: '深圳市',
      district: '',
      street: '',
      detail: '南山区科技园南区深南大道10000号 腾讯滨海大厦 18楼',
      receiver: '林伟',
      phone: '138****8000',
      postcode: '518057',
    });
    expect(order.lines).toEqual([
      {
        lineId: '13900000001',
        sku: 'TEA-LJ-250',
        platformSkuId: '40000000001',
        title: '西湖龙井 250g',
        qty: 2,
        unitPrice: 19900,
        payable: 37800,
        refundStatus: 'none',
        gift: false,
      },
      {
        lineId: '13900000002',
        sku: '40000000002',
        platformSkuId: '40000000002',
        title: '白瓷盖碗',
        qty: 1,
        unitPrice: 4900,
        payable: 4900,
        refundStatus: 'none',
        gift: false,
      },
      {
        lineId: '13900000003',
        sku: 'GIFT-BAG',
        platformSkuId: '40000000003',
        title: '赠品：礼品袋',
        qty: 1,
        unitPrice: 0,
        payable: 0,
        refundStatus: 'none',
        gift: true,
      },
    ]);
    expect(order.amounts).toEqual({
      goods: 44700,
      discount: 2000,
      platformDiscount: 0,
      shopDiscount: 2000,
      shipping: 1000,
      paid: 43700,
    });
  });

  it('maps a cancelled, refunded order to Xinjiang with the phone masked', () => {
    const order = normalized('cancelled-refunded-xinjiang.json');
    expect(order.channelStatus).toBe('cancelled');
    expect(order.refundStatus).toBe('refunded');
    expect(order.paidAt).toBe('2024-11-12T14:40:03.000Z');
    expect(order.lines.map((line) => line.refundStatus)).toEqual(['refunded']);
    expect(order.address).toMatchObject({
      province: '新疆维吾尔自治区',
      provinceCode: '650000',
      receiver: '阿依古丽·买买提',
      detail: '天山区解放北路88号',
      phone: '139****5678',
    });
    expect(order.amounts).toMatchObject({ goods: 128800, discount: 0, shipping: 0, paid: 128800 });
    expect(order.buyerMessage).toBe('');
  });

  it('keeps emoji and a very long address of a partly refunded, partly fulfilled Tibet order', () => {
    const order = normalized('partially-refunded-tibet.json');
    expect(order.channelStatus).toBe('shipped');
    expect(order.refundStatus).toBe('partial');
    expect(order.coupons).toEqual(['WELCOME5', 'HIGHLAND']);
    expect(order.buyerMessage).toBe('生日礼物🎂，别放发票');
    expect(order.lines[0]?.title).toBe('牦牛绒围巾 🧣 红色');
    expect(order.lines[1]?.title).toBe('酥油茶　三连包');
    expect(order.address.province).toBe('西藏自治区');
    expect(order.address.provinceCode).toBe('540000');
    expect(order.address.receiver).toBe('次仁卓玛');
    expect(order.address.phone).toBe('089****1234');
    expect(order.address.detail).toBe(
      '城关区北京中路西藏大学新校区教职工宿舍楼7栋2单元402室（请放快递柜，柜满时放门卫处并电话联系，谢谢🙏）隔壁就是学生食堂，门口有一棵很大的柳树，进门右转第三个楼梯口上楼，四楼左手边，门上贴着福字',
    );
    expect(order.amounts).toEqual({
      goods: 25700,
      discount: 1350,
      platformDiscount: 0,
      shopDiscount: 1350,
      shipping: 2500,
      paid: 26850,
    });
  });

  it('maps a pending cash-on-delivery order to Hong Kong and a string id', () => {
    const order = normalized('pending-cod-hongkong.json');
    expect(order).toMatchObject({
      id: 'shop:5012345678904',
      channelStatus: 'pending_payment',
      paidAt: null,
      paymentMethod: 'cod',
      buyer: '',
      coupons: [],
    });
    expect(order.address).toMatchObject({ province: '香港特别行政区', provinceCode: '810000', phone: '852****4567' });
    expect(order.amounts).toMatchObject({ goods: 9990, shipping: 0, paid: 9990 });
  });

  it('reports every bad field with its path', () => {
    const result = normalizeShop(
      withChanges('paid-multi-line.json', (order) => {
        delete order.id;
        order.financial_status = 'maybe';
        order.updated_at = '2024-13-01T00:00:00Z';
        order.total_price = '-1.00';
        order.line_items[1].quantity = -1;
        order.line_items[2].price = '1.005';
        order.shipping_lines[0].price = 'ten';
      }),
    );
    expect(errorLines(result)).toEqual([
      'id: is required',
      'financial_status: must be one of pending, partially_paid, authorized, paid, partially_refunded, refunded, voided, got "maybe"',
      'updated_at: is not a calendar date, got "2024-13-01T00:00:00Z"',
      'line_items[1].quantity: must be a positive integer, got -1',
      'line_items[2].price: has more than two decimals: "1.005"',
      'shipping_lines[0].price: must be a decimal yuan amount, got "ten"',
      'total_price: must not be negative, got "-1.00"',
    ]);
  });

  it('takes an id rounded by a plain JSON.parse from admin_graphql_api_id, and refuses one without it', () => {
    // JSON.parse reads Shopify's sample id 820982911946154508 as 820982911946154500.
    const rounded = JSON.parse('820982911946154508') as number;
    const fixed = normalizeShop(
      withChanges('paid-multi-line.json', (order) => {
        order.id = rounded;
        order.admin_graphql_api_id = 'gid://shopify/Order/820982911946154508';
        order.customer = { id: JSON.parse('115310627314723954') as number, admin_graphql_api_id: 'gid://shopify/Customer/115310627314723954' };
      }),
    );
    expect(errorLines(fixed)).toEqual([]);
    expect(fixed.ok && [fixed.order.externalId, fixed.order.buyer]).toEqual(['820982911946154508', '115310627314723954']);

    const refused = normalizeShop(
      withChanges('paid-multi-line.json', (order) => {
        order.id = rounded;
        order.line_items[0].id = JSON.parse('866550311766439020') as number;
      }),
    );
    expect(errorLines(refused)).toEqual([
      "id: is too large to be exact as a JSON number, got 820982911946154500; send the platform's string form",
      "line_items[0].id: is too large to be exact as a JSON number, got 866550311766439000; send the platform's string form",
    ]);
  });

  it('rejects an order without lines and one in another currency', () => {
    const result = normalizeShop(
      withChanges('paid-multi-line.json', (order) => {
        order.line_items = [];
        order.currency = 'USD';
      }),
    );
    expect(errorLines(result)).toEqual([
      'currency: must be CNY (amounts are kept in fen), got "USD"',
      'line_items: must have at least one element',
    ]);
  });

  it('rejects a line with neither sku nor variant', () => {
    const result = normalizeShop(
      withChanges('paid-multi-line.json', (order) => {
        order.line_items[1].variant_id = null;
      }),
    );
    expect(errorLines(result)).toEqual(['line_items[1].sku: is required (and there is no variant_id to fall back on)']);
  });

  it('does not reject an order whose amounts do not add up', () => {
    const result = normalizeShop(
      withChanges('paid-multi-line.json', (order) => {
        order.total_price = '1.00';
      }),
    );
    expect(result.ok && result.order.amounts.paid).toBe(100);
  });

  it('tolerates unknown fields', () => {
    const result = normalizeShop(withChanges('paid-multi-line.json', (order) => (order.extra = { deep: [1, 2] })));
    expect(result.ok).toBe(true);
  });

  it.each([
    ['null', null],
    ['a number', 42],
    ['a string', 'order'],
    ['an array', []],
    ['nothing', undefined],
  ])('rejects %s as the payload at path ""', (_, payload) => {
    const result = normalizeShop(payload);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.path).toBe('');
  });
});
