import { describe, expect, it } from 'vitest';
import { canonicalOrderSchema } from '../../../streams/canonical-order.ts';
import { errorLines, fixtureWith, normalizedFixture } from '../../../test/fixtures/channels/adapter-test-kit.ts';
import { fixtureNames, loadFixture } from '../../../test/fixtures/channels/load-fixture.ts';
import { normalizeJd } from './jd.ts';

const normalized = (name: string) => normalizedFixture(normalizeJd, 'jd', name);
const withChanges = (name: string, change: (payload: any) => void) => fixtureWith('jd', name, change);

describe('normalizeJd', () => {
  it.each(fixtureNames('jd'))('turns %s into a valid canonical order that keeps the payload', (name) => {
    const payload = loadFixture('jd', name);
    const result = normalizeJd(payload);
    expect(errorLines(result)).toEqual([]);
    if (!result.ok) return;
    expect(canonicalOrderSchema.parse(result.order)).toBeTruthy();
    expect(result.order.raw).toBe(payload);
  });

  it('maps an order awaiting stock-out, splitting JD coupons from shop discounts', () => {
    const order = normalized('wait-stock-out-coupons.json');
    expect(order).toMatchObject({
      id: 'jd:301234567890',
      channel: 'jd',
      externalId: '301234567890',
      channelStatus: 'paid',
      refundStatus: 'none',
      placedAt: '2024-11-11T12:00:01.000Z',
      paidAt: '2024-11-11T12:00:09.000Z',
      updatedAt: '2024-11-11T12:00:10.000Z',
      version: Date.parse('2024-11-11T12:00:10Z'),
      buyer: 'jd_7a1b2c3d4e',
      coupons: [],
      buyerMessage: '工作日送达',
      sellerMemo: '优先发货',
      paymentMethod: 'online',
    });
    expect(order.address).toEqual({
      // In clear until the ingest pool task seals it; a masked phone reaches nobody, so none.
      contact: { receiver: '李娜', phone: '', street: '望京街道', detail: '北京朝阳区望京街道望京SOHO T1 2501' },
      province: '北京市',
      provinceCode: '110000',
      city: '北京市',
      district: '朝阳区',
      street: '望京街道',
      detail: '北京朝阳区望京街道望京SOHO T1 2501',
      receiver: '李娜',
      phone: '138****5678',
      postcode: '',
    });
    expect(order.lines).toEqual([
      {
        lineId: '100012345678',
        sku: 'AIR-FRYER-5L',
        platformSkuId: '100012345678',
        title: '空气炸锅 5L 大容量',
        qty: 1,
        unitPrice: 29900,
        refundStatus: 'none',
        gift: false,
      },
      {
        lineId: '100012345679',
        sku: '100012345679',
        platformSkuId: '100012345679',
        title: '烘焙纸 100张',
        qty: 2,
        unitPrice: 2900,
        refundStatus: 'none',
        gift: false,
      },
      {
        lineId: '100012345680',
        sku: 'GIFT-TONGS',
        platformSkuId: '100012345680',
        title: '【赠品】食品夹',
        qty: 1,
        unitPrice: 0,
        refundStatus: 'none',
        gift: true,
      },
    ]);
    expect(order.amounts).toEqual({
      goods: 35700,
      discount: 3000,
      platformDiscount: 1000,
      shopDiscount: 2000,
      shipping: 600,
      paid: 33300,
    });
  });

  it('maps a shipped cash-on-delivery order to Xinjiang, masking a phone used as the pin', () => {
    const order = normalized('cod-shipped-xinjiang.json');
    expect(order).toMatchObject({
      channelStatus: 'shipped',
      paymentMethod: 'cod',
      paidAt: null,
      buyer: '139****4321',
    });
    expect(order.address).toMatchObject({
      province: '新疆维吾尔自治区',
      provinceCode: '650000',
      city: '伊犁哈萨克自治州',
      district: '伊宁市',
      street: '',
      receiver: '买买提·艾力',
      phone: '139****4321',
    });
    expect(order.amounts).toMatchObject({ goods: 159900, discount: 0, shipping: 2500, paid: 162400 });
  });

  it('maps a locked order to a pending refund request, keeping emoji and a long address', () => {
    const order = normalized('locked-tibet.json');
    expect(order).toMatchObject({
      externalId: '303456789012',
      channelStatus: 'paid',
      refundStatus: 'requested',
      buyer: '情人节快乐❤️',
      buyerMessage: '🌹 请不要放价格单！是送女朋友的 🌹',
    });
    expect(order.address).toMatchObject({ province: '西藏自治区', provinceCode: '540000', phone: '158****2345' });
    expect(order.address.detail).toBe(
      '西藏拉萨市城关区八廓街道冲赛康社区 大昭寺广场往东走两百米 转经道旁边的白色藏式小院 门口挂着五彩经幡 进院子后左手第二间 如无人请放邻居卓嘎家（门牌 17 号）🙏',
    );
    expect(order.amounts).toEqual({
      goods: 52000,
      discount: 2000,
      platformDiscount: 2000,
      shopDiscount: 0,
      shipping: 0,
      paid: 50000,
    });
  });

  it('maps a cancelled order and keeps line ids unique when a SKU repeats as a gift', () => {
    const order = normalized('cancelled-same-sku-gift.json');
    expect(order.channelStatus).toBe('cancelled');
    expect(order.lines.map((l) => [l.lineId, l.sku, l.gift])).toEqual([
      ['100077777777', 'SOCKS-5P', false],
      ['100077777777#2', 'SOCKS-5P', true],
    ]);
  });

  it('reports bad fields with their paths', () => {
    const result = normalizeJd(
      withChanges('wait-stock-out-coupons.json', (p) => {
        p.orderState = 'WAITING';
        p.modified = '2024-02-30 10:00:00';
        p.itemInfoList[1].itemTotal = '2.5';
        p.itemInfoList[2].skuId = '';
        p.couponDetailList[0].couponPrice = '-10.00';
        p.consigneeInfo = 'Beijing';
      }),
    );
    expect(errorLines(result)).toEqual([
      'orderState: must be one of NOT_PAY, WAIT_SELLER_STOCK_OUT, WAIT_SELLER_DELIVERY, PAUSE, POP_ORDER_PAUSE, LOCKED, WAIT_GOODS_RECEIVE_CONFIRM, FINISHED_L, TRADE_CANCELED, got "WAITING"',
      'modified: is not a calendar date, got "2024-02-30 10:00:00"',
      'itemInfoList[1].itemTotal: must be a positive integer, got "2.5"',
      'itemInfoList[2].skuId: is required',
      'couponDetailList[0].couponPrice: must not be negative, got "-10.00"',
      'consigneeInfo: must be an object, got "Beijing"',
    ]);
  });

  it('accepts epoch seconds for a time', () => {
    const result = normalizeJd(withChanges('wait-stock-out-coupons.json', (p) => (p.orderStartTime = 1731326401)));
    expect(result.ok && result.order.placedAt).toBe('2024-11-11T12:00:01.000Z');
  });
});
