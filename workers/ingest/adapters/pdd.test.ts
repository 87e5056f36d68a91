import { describe, expect, it } from 'vitest';
import { canonicalOrderSchema } from '../../../streams/canonical-order.ts';
import { errorLines, fixtureWith, normalizedFixture } from '../../../test/fixtures/channels/adapter-test-kit.ts';
import { fixtureNames, loadFixture } from '../../../test/fixtures/channels/load-fixture.ts';
import { normalizePdd } from './pdd.ts';

const normalized = (name: string) => normalizedFixture(normalizePdd, 'pdd', name);
const withChanges = (name: string, change: (payload: any) => void) => fixtureWith('pdd', name, change);

describe('normalizePdd', () => {
  it.each(fixtureNames('pdd'))('turns %s into a valid canonical order that keeps the payload', (name) => {
    const payload = loadFixture('pdd', name);
    const result = normalizePdd(payload);
    expect(errorLines(result)).toEqual([]);
    if (!result.ok) return;
    expect(canonicalOrderSchema.parse(result.order)).toBeTruthy();
    expect(result.order.raw).toBe(payload);
  });

  it('maps an order to ship with yuan numbers, a gift and split discounts', () => {
    const order = normalized('to-ship-multi-line.json');
    expect(order).toMatchObject({
      id: 'pdd:241111-582930174650123',
      channel: 'pdd',
      externalId: '241111-582930174650123',
      channelStatus: 'paid',
      refundStatus: 'none',
      placedAt: '2024-11-11T02:15:00.000Z',
      paidAt: '2024-11-11T02:15:30.000Z',
      updatedAt: '2024-11-11T02:16:00.000Z',
      version: Date.parse('2024-11-11T02:16:00Z'),
      buyer: '',
      coupons: [],
      buyerMessage: '',
      sellerMemo: '老客户，送小样',
      paymentMethod: 'online',
    });
    expect(order.address).toEqual({
      // In clear until the ingest pool task seals it; a masked phone reaches nobody, so none.
      contact: { receiver: '王*', phone: '', street: '', detail: '江苏省苏州市工业园区星湖街***号' },
      province: '江苏省',
      provinceCode: '320000',
      city: '苏州市',
      district: '工业园区',
      street: '',
      detail: '江苏省苏州市工业园区星湖街***号',
      receiver: '王*',
      phone: '138****1234',
      postcode: '',
    });
    expect(order.lines).toEqual([
      {
        lineId: '1234567890101',
        sku: 'LAUNDRY-POD-52',
        platformSkuId: '1234567890101',
        title: '洗衣凝珠 52颗',
        qty: 2,
        unitPrice: 4990,
        refundStatus: 'none',
        gift: false,
      },
      {
        lineId: '1234567890102',
        sku: '1234567890102',
        platformSkuId: '1234567890102',
        title: '除螨喷雾 500ml',
        qty: 1,
        unitPrice: 5900,
        refundStatus: 'none',
        gift: false,
      },
      {
        lineId: '1234567890103',
        sku: 'SAMPLE-50',
        platformSkuId: '1234567890103',
        title: '赠品 旅行装洗衣液 50ml',
        qty: 1,
        unitPrice: 0,
        refundStatus: 'none',
        gift: true,
      },
    ]);
    expect(order.amounts).toEqual({
      goods: 15880,
      discount: 1250,
      platformDiscount: 500,
      shopDiscount: 750,
      shipping: 0,
      paid: 14630,
    });
  });

  it('maps a refunded order to Tibet', () => {
    const order = normalized('refunded-xizang.json');
    expect(order).toMatchObject({ channelStatus: 'paid', refundStatus: 'refunded', buyerMessage: '偏远地区可以发邮政吗' });
    expect(order.lines.map((l) => l.refundStatus)).toEqual(['refunded']);
    expect(order.address).toMatchObject({ province: '西藏自治区', provinceCode: '540000', phone: '177****6543' });
    expect(order.amounts).toMatchObject({ goods: 9900, shipping: 1000, paid: 10900 });
  });

  it('holds an unformed group buy as pending payment, keeping the long address as given', () => {
    const order = normalized('unconfirmed-group-xinjiang.json');
    expect(order).toMatchObject({ channelStatus: 'pending_payment', paidAt: null, buyerMessage: '拼单成功后尽快发货🙏' });
    expect(order.address).toMatchObject({
      province: '新疆维吾尔自治区',
      provinceCode: '650000',
      detail: '北京西路 和田夜市往南 200 米 玉龙喀什河大桥旁 🌉 小区名字叫「玉河花园」，进门找 8 号楼 ２ 单元 ５０１',
    });
    expect(order.lines[0]).toMatchObject({ sku: '1234567811111', unitPrice: 1990 });
  });

  it.each([
    [{ order_status: 2 }, 'shipped', 'none'],
    [{ order_status: 3 }, 'completed', 'none'],
    [{ refund_status: 2 }, 'paid', 'requested'],
    [{ refund_status: 3 }, 'paid', 'requested'],
    [{ confirm_status: 2 }, 'cancelled', 'none'],
  ])('maps %j to %s with refund %s', (change, status, refund) => {
    const result = normalizePdd(withChanges('to-ship-multi-line.json', (p) => Object.assign(p, change)));
    expect(result.ok && [result.order.channelStatus, result.order.refundStatus]).toEqual([status, refund]);
  });

  it('reports bad fields with their paths', () => {
    const result = normalizePdd(
      withChanges('to-ship-multi-line.json', (p) => {
        p.order_sn = '';
        p.refund_status = 9;
        p.pay_amount = 146.355;
        p.item_list[0].goods_price = 'free';
        p.item_list[1].goods_count = 0;
        p.item_list.push(null);
      }),
    );
    expect(errorLines(result)).toEqual([
      'order_sn: is required',
      'refund_status: must be one of 1, 2, 3, 4, got 9',
      'item_list[3]: must be an object, got null',
      'item_list[0].goods_price: must be a decimal yuan amount, got "free"',
      'item_list[1].goods_count: must be a positive integer, got 0',
      'pay_amount: has more than two decimals: 146.355',
    ]);
  });
});
