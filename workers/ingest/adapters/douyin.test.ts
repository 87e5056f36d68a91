import { describe, expect, it } from 'vitest';
import { canonicalOrderSchema } from '../../../streams/canonical-order.ts';
import { errorLines, fixtureWith, normalizedFixture } from '../../../test/fixtures/channels/adapter-test-kit.ts';
import { fixtureNames, loadFixture } from '../../../test/fixtures/channels/load-fixture.ts';
import { normalizeDouyin } from './douyin.ts';

const normalized = (name: string) => normalizedFixture(normalizeDouyin, 'douyin', name);
const withChanges = (name: string, change: (payload: any) => void) => fixtureWith('douyin', name, change);

describe('normalizeDouyin', () => {
  it.each(fixtureNames('douyin'))('turns %s into a valid canonical order that keeps the payload', (name) => {
    const payload = loadFixture('douyin', name);
    const result = normalizeDouyin(payload);
    expect(errorLines(result)).toEqual([]);
    if (!result.ok) return;
    expect(canonicalOrderSchema.parse(result.order)).toBeTruthy();
    expect(result.order.raw).toBe(payload);
  });

  it('maps a paid order in fen and epoch seconds, with a gift and split promotions', () => {
    const order = normalized('paid-multi-line.json');
    expect(order).toMatchObject({
      id: 'douyin:6923456789012345678',
      channel: 'douyin',
      externalId: '6923456789012345678',
      channelStatus: 'paid',
      refundStatus: 'none',
      placedAt: '2024-11-10T16:00:00.000Z',
      paidAt: '2024-11-10T16:00:12.000Z',
      updatedAt: '2024-11-10T16:01:40.000Z',
      version: 1731254500000,
      buyer: '1@#AbCdEfGh==',
      coupons: [],
      buyerMessage: '',
      sellerMemo: '',
      paymentMethod: 'online',
    });
    expect(order.address).toEqual({
      // In clear until the ingest pool task seals it; a masked phone reaches nobody, so none.
      contact: { receiver: '张*', phone: '', street: '粤海街道', detail: '科技南十二路 2 号 金蝶软件园 A 座' },
      province: '广东省',
      provinceCode: '440000',
      city: '深圳市',
      district: '南山区',
      street: '粤海街道',
      detail: '科技南十二路 2 号 金蝶软件园 A 座',
      receiver: '张*',
      phone: '138****5678',
      postcode: '',
    });
    expect(order.lines).toEqual([
      {
        lineId: '6923456789012345001',
        sku: 'COFFEE-YN-454',
        platformSkuId: '1760000000001',
        title: '云南小粒咖啡豆 454g',
        qty: 2,
        unitPrice: 9900,
        payable: 18000,
        refundStatus: 'none',
        gift: false,
      },
      {
        lineId: '6923456789012345002',
        sku: 'DRIPPER-V60',
        platformSkuId: '1760000000002',
        title: '手冲滤杯 V60',
        qty: 1,
        unitPrice: 4990,
        payable: 3790,
        refundStatus: 'none',
        gift: false,
      },
      {
        lineId: '6923456789012345003',
        sku: '1760000000003',
        platformSkuId: '1760000000003',
        title: '赠品：咖啡滤纸 50片',
        qty: 1,
        unitPrice: 0,
        payable: 0,
        refundStatus: 'none',
        gift: true,
      },
    ]);
    expect(order.amounts).toEqual({
      goods: 24790,
      discount: 3000,
      platformDiscount: 1000,
      shopDiscount: 2000,
      shipping: 0,
      paid: 21790,
    });
  });

  it('maps a cancelled unpaid order to Tibet, keeping the encrypted detail opaque', () => {
    const order = normalized('cancelled-unpaid-tibet.json');
    expect(order).toMatchObject({
      channelStatus: 'cancelled',
      paidAt: null,
      buyer: '',
      buyerMessage: '新年快乐🎉🧧 能不能早点发？',
    });
    expect(order.address).toEqual({
      // In clear until the ingest pool task seals it; a masked phone reaches nobody, so none.
      contact: { receiver: '次*', phone: '', street: '', detail: '#8HtZz1QeFfL3YmU2bnN5cHRlZA==*CgkIARCtHCABKAESPgo8#1##' },
      province: '西藏自治区',
      provinceCode: '540000',
      city: '林芝市',
      district: '巴宜区',
      street: '',
      detail: '#8HtZz1QeFfL3YmU2bnN5cHRlZA==*CgkIARCtHCABKAESPgo8#1##',
      receiver: '次*',
      phone: '1**********',
      postcode: '',
    });
    expect(order.lines[0]).toMatchObject({ qty: 2, unitPrice: 18400, payable: 36800 });
  });

  it('maps a shipped cash-on-delivery order with one line refunded', () => {
    const order = normalized('shipped-refunded-line-xinjiang-cod.json');
    expect(order).toMatchObject({
      channelStatus: 'shipped',
      refundStatus: 'partial',
      paymentMethod: 'cod',
      sellerMemo: '已退运费险',
    });
    expect(order.lines.map((l) => l.refundStatus)).toEqual(['refunded', 'none']);
    expect(order.address).toMatchObject({
      province: '新疆维吾尔自治区',
      provinceCode: '650000',
      detail: '红旗坡农场 冰糖心苹果基地 3 号仓库',
    });
    expect(order.amounts).toEqual({
      goods: 26000,
      discount: 1200,
      platformDiscount: 0,
      shopDiscount: 1200,
      shipping: 1000,
      paid: 25800,
    });
  });

  it.each([
    ['1', 'pending_payment'],
    [105, 'paid'],
    [101, 'shipped'],
    [5, 'completed'],
  ])('maps order_status %s to %s', (code, status) => {
    const result = normalizeDouyin(withChanges('paid-multi-line.json', (p) => (p.order_status = code)));
    expect(result.ok && result.order.channelStatus).toBe(status);
  });

  it('reports bad fields with their paths', () => {
    const result = normalizeDouyin(
      withChanges('paid-multi-line.json', (p) => {
        p.order_status = 99;
        p.update_time = 1731254500000;
        p.pay_amount = 217.9;
        p.sku_order_list[0].origin_amount = 19801;
        p.sku_order_list[1].after_sale_info.refund_status = 7;
        p.sku_order_list[2] = 'gift';
      }),
    );
    expect(errorLines(result)).toEqual([
      'order_status: must be one of 1, 105, 2, 101, 3, 4, 5, got 99',
      'update_time: must be epoch seconds, not milliseconds, got 1731254500000',
      'sku_order_list[2]: must be an object, got "gift"',
      'sku_order_list[0].origin_amount: must be the unit price × item_num (2), got 19801',
      'sku_order_list[1].after_sale_info.refund_status: must be one of 0, 1, 2, 3, 4, got 7',
      'pay_amount: must be an integer amount of fen, got 217.9',
    ]);
  });
});
