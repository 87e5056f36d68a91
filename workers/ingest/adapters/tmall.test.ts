import { describe, expect, it } from 'vitest';
import { canonicalOrderSchema } from '../../../streams/canonical-order.ts';
import { errorLines, fixtureWith, normalizedFixture } from '../../../test/fixtures/channels/adapter-test-kit.ts';
import { fixtureNames, loadFixture } from '../../../test/fixtures/channels/load-fixture.ts';
import { normalizeTmall } from './tmall.ts';

const normalized = (name: string) => normalizedFixture(normalizeTmall, 'tmall', name);
const withChanges = (name: string, change: (payload: any) => void) => fixtureWith('tmall', name, change);

describe('normalizeTmall', () => {
  it.each(fixtureNames('tmall'))('turns %s into a valid canonical order that keeps the payload', (name) => {
    const payload = loadFixture('tmall', name);
    const result = normalizeTmall(payload);
    expect(errorLines(result)).toEqual([]);
    if (!result.ok) return;
    expect(canonicalOrderSchema.parse(result.order)).toBeTruthy();
    expect(result.order.raw).toBe(payload);
  });

  it('unwraps the API envelope of a paid order with a gift and an item without SKUs', () => {
    const order = normalized('paid-multi-line-envelope.json');
    expect(order).toMatchObject({
      id: 'tmall:3210987654321098765',
      channel: 'tmall',
      externalId: '3210987654321098765',
      channelStatus: 'paid',
      refundStatus: 'none',
      placedAt: '2024-11-10T16:00:03.000Z',
      paidAt: '2024-11-10T16:00:15.000Z',
      updatedAt: '2024-11-10T16:00:16.000Z',
      version: Date.parse('2024-11-10T16:00:16Z'),
      buyer: 'tb_9527快乐',
      coupons: [],
      buyerMessage: '麻烦发顺丰，谢谢！',
      sellerMemo: '',
      paymentMethod: 'online',
    });
    expect(order.address).toEqual({
      // In clear until the ingest pool task seals it.
      contact: { receiver: '周杰', phone: '13800000000', street: '五常街道', detail: '文一西路969号 阿里巴巴西溪园区 3号楼' },
      province: '浙江省',
      provinceCode: '330000',
      city: '杭州市',
      district: '余杭区',
      street: '五常街道',
      detail: '文一西路969号 阿里巴巴西溪园区 3号楼',
      receiver: '周杰',
      phone: '138****0000',
      postcode: '311121',
    });
    expect(order.lines).toEqual([
      {
        lineId: '3210987654321098001',
        sku: 'NUT-MIX-750',
        platformSkuId: '4812345678901',
        title: '每日坚果 750g/30袋 混合果仁',
        qty: 2,
        unitPrice: 12900,
        payable: 22800,
        refundStatus: 'none',
        gift: false,
      },
      {
        lineId: '3210987654321098002',
        sku: 'CUP-GLASS-01',
        platformSkuId: '612345678902',
        title: '双层玻璃杯 350ml',
        qty: 1,
        unitPrice: 3990,
        payable: 3790,
        refundStatus: 'none',
        gift: false,
      },
      {
        lineId: '3210987654321098003',
        sku: 'GIFT-SPOON',
        platformSkuId: '4812345678903',
        title: '【赠品】不锈钢小勺',
        qty: 1,
        unitPrice: 0,
        payable: 0,
        refundStatus: 'none',
        gift: true,
      },
    ]);
    expect(order.amounts).toEqual({ goods: 29790, discount: 2200, shipping: 0, paid: 27590 });
  });

  it('maps a shipped Xinjiang order with one line refunded, masking a phone used as the nick', () => {
    const order = normalized('shipped-partial-refund-xinjiang.json');
    expect(order).toMatchObject({
      id: 'tmall:2087654321234567890',
      channelStatus: 'shipped',
      refundStatus: 'partial',
      buyer: '139****5678',
      buyerMessage: '到了放菜鸟驿站😊',
      sellerMemo: '🚚 已改发中通，新疆顺丰不到',
    });
    expect(order.address).toMatchObject({
      province: '新疆维吾尔自治区',
      provinceCode: '650000',
      city: '喀什地区',
      district: '喀什市',
      street: '亚瓦格街道',
      phone: '139****5432',
    });
    expect(order.address.detail).toBe(
      '人民东路 12 号 喀什古城景区东门对面 老城区艾提尕尔清真寺南侧步行街 138 号 艾力的干果店（店门口有大石榴雕塑，找不到请打电话，上午不在家，下午五点以后都在）🍇🍉',
    );
    expect(order.lines.map((l) => [l.sku, l.refundStatus])).toEqual([
      ['DOWN-JACKET-L-BLK', 'none'],
      ['5023456789013', 'refunded'],
    ]);
    expect(order.amounts).toEqual({ goods: 54800, discount: 0, shipping: 1800, paid: 56600 });
  });

  it('maps a closed, fully refunded cash-on-delivery order to Tibet', () => {
    const order = normalized('closed-refunded-tibet-cod.json');
    expect(order).toMatchObject({
      externalId: '1876543210987654',
      channelStatus: 'cancelled',
      refundStatus: 'refunded',
      paidAt: null,
      paymentMethod: 'cod',
      buyer: '雪域高原',
    });
    expect(order.address).toMatchObject({ province: '西藏自治区', provinceCode: '540000', street: '', phone: '189****1234' });
    expect(order.amounts).toEqual({ goods: 25800, discount: 1000, shipping: 2000, paid: 0 });
  });

  it('maps a partly sent order with a pending refund request, keeping full-width text', () => {
    const order = normalized('refund-requested-guangxi.json');
    expect(order).toMatchObject({ channelStatus: 'shipped', refundStatus: 'requested', buyer: 'ＡＢＣ小店主' });
    expect(order.lines.map((l) => l.refundStatus)).toEqual(['none', 'requested']);
    expect(order.address).toMatchObject({
      province: '广西壮族自治区',
      provinceCode: '450000',
      detail: '民族大道１３６号　华润大厦Ｃ座１８０１',
      phone: '137****2468',
      postcode: '',
    });
  });

  it('names paths inside the envelope', () => {
    const result = normalizeTmall(
      withChanges('paid-multi-line-envelope.json', (p) => {
        p.trade_fullinfo_get_response.trade.orders.order[2].num = 0;
        p.trade_fullinfo_get_response.trade.modified = '2024-11-11';
      }),
    );
    expect(errorLines(result)).toEqual([
      'trade_fullinfo_get_response.trade.modified: must be a date-time like "2024-11-11 10:00:00" or ISO-8601 with an offset, got "2024-11-11"',
      'trade_fullinfo_get_response.trade.orders.order[2].num: must be a positive integer, got 0',
    ]);
  });

  it('reports bad fields of a bare trade', () => {
    const result = normalizeTmall(
      withChanges('shipped-partial-refund-xinjiang.json', (p) => {
        p.status = 'TRADE_LOST';
        p.orders.order[1].price = '49.999';
        p.orders.order[1].refund_status = 'MAYBE';
        p.payment = null;
      }),
    );
    expect(errorLines(result)).toEqual([
      'status: must be one of TRADE_NO_CREATE_PAY, WAIT_BUYER_PAY, PAY_PENDING, WAIT_PRE_AUTH_CONFIRM, WAIT_SELLER_SEND_GOODS, PAID_FORBID_CONSIGN, SELLER_CONSIGNED_PART, WAIT_BUYER_CONFIRM_GOODS, TRADE_BUYER_SIGNED, TRADE_FINISHED, TRADE_CLOSED, TRADE_CLOSED_BY_TAOBAO, got "TRADE_LOST"',
      'orders.order[1].price: has more than two decimals: "49.999"',
      'orders.order[1].refund_status: must be one of NO_REFUND, WAIT_SELLER_AGREE, WAIT_BUYER_RETURN_GOODS, WAIT_SELLER_CONFIRM_GOODS, SELLER_REFUSE_BUYER, CLOSED, SUCCESS, got "MAYBE"',
      'payment: is required',
    ]);
  });

  it('asks for tid_str when a numeric tid is past exact JSON numbers', () => {
    const result = normalizeTmall(
      withChanges('paid-multi-line-envelope.json', (p) => delete p.trade_fullinfo_get_response.trade.tid_str),
    );
    expect(errorLines(result)).toEqual([
      "trade_fullinfo_get_response.trade.tid: is too large to be exact as a JSON number, got 3210987654321099000; send the platform's string form",
    ]);
  });

  it('rejects an envelope without a trade and a TOP error response', () => {
    expect(errorLines(normalizeTmall({ trade_fullinfo_get_response: { request_id: 'x' } }))).toEqual([
      'trade_fullinfo_get_response.trade: is required',
    ]);
    expect(
      errorLines(normalizeTmall({ error_response: { code: 27, msg: 'Invalid session', sub_msg: 'SessionKey非法' } })),
    ).toEqual(['error_response: is a TOP error, not a trade: SessionKey非法']);
  });

  it('does not reject amounts that do not add up', () => {
    const result = normalizeTmall(withChanges('closed-refunded-tibet-cod.json', (p) => (p.payment = '1.00')));
    expect(result.ok && result.order.amounts.paid).toBe(100);
  });
});
