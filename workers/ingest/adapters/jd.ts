import {
  type ChannelAdapter,
  type ChannelStatus,
  type NormalizeResult,
  type OrderLine,
} from '../../../streams/canonical-order.ts';
import type { Fen } from '../../../streams/money.ts';
import { addressWithContact } from './contact.ts';
import { canonicalOrderOf } from './canonical-order-of.ts';
import { FieldErrors } from './field-errors.ts';
import { neverThrows } from './guard.ts';
import { LineIds } from './line-ids.ts';
import { PayloadReader } from './payload-reader.ts';
import { maskIfPhone } from './phone.ts';
import { goodsAmount, sumFen } from './totals.ts';

interface OrderState {
  status: ChannelStatus;
  /** JD locks an order while the buyer's cancellation or after-sale request is handled. */
  locked: boolean;
}

const ORDER_STATES = new Map<string, OrderState>([
  ['NOT_PAY', { status: 'pending_payment', locked: false }],
  ['WAIT_SELLER_STOCK_OUT', { status: 'paid', locked: false }],
  ['WAIT_SELLER_DELIVERY', { status: 'paid', locked: false }],
  ['PAUSE', { status: 'paid', locked: false }],
  ['POP_ORDER_PAUSE', { status: 'paid', locked: false }],
  ['LOCKED', { status: 'paid', locked: true }],
  ['WAIT_GOODS_RECEIVE_CONFIRM', { status: 'shipped', locked: false }],
  ['FINISHED_L', { status: 'completed', locked: false }],
  ['TRADE_CANCELED', { status: 'cancelled', locked: false }],
]);

// Coupon types JD pays for; every other type (100-店铺优惠, 30-单品促销优惠, ...) is the shop's and
// already counted in sellerDiscount.
const PLATFORM_COUPON_TYPES = new Set(['34', '39', '41', '52']);
const CASH_ON_DELIVERY = '1';

/**
 * Normalizes a JD POP order (`jingdong.pop.order.get` or one order of a search result).
 * `sellerDiscount` is the shop's share of the discount; JD's own share is the sum of the
 * platform-paid entries of `couponDetailList` (京东券, 京豆, 红包, 礼品卡).
 */
export const normalizeJd: ChannelAdapter = neverThrows(normalize);

function normalize(payload: unknown): NormalizeResult {
  const errors = new FieldErrors();
  const order = PayloadReader.root(payload, errors);
  if (!order) return { ok: false, errors: errors.list };

  const externalId = order.id('orderId');
  const state = order.oneOf('orderState', ORDER_STATES, { required: true });
  const placedAt = order.time('orderStartTime', { required: true });
  const paidAt = order.time('paymentConfirmTime');
  const updatedAt = order.time('modified', { required: true });

  const lineIds = new LineIds();
  const lines = order.list('itemInfoList', { required: true }).map((item): OrderLine => {
    const platformSkuId = item.text('skuId', { required: true });
    const unitPrice = item.yuan('jdPrice', { required: true });
    return {
      lineId: lineIds.next(platformSkuId),
      sku: item.text('outerSkuId') || platformSkuId,
      platformSkuId,
      title: item.text('skuName'),
      qty: item.count('itemTotal'),
      unitPrice,
      refundStatus: 'none',
      gift: unitPrice === 0,
    };
  });

  const platformCoupons: Fen[] = [];
  for (const coupon of order.list('couponDetailList')) {
    const type = coupon.text('couponType', { required: true });
    const amount = coupon.yuan('couponPrice', { required: true });
    if (PLATFORM_COUPON_TYPES.has(typeCode(type))) platformCoupons.push(amount);
  }
  const platformDiscount = sumFen(platformCoupons, order.pathOf('couponDetailList'), errors);
  const shopDiscount = order.yuan('sellerDiscount');

  const consignee = order.object('consigneeInfo');
  const address = addressWithContact({
    province: consignee?.text('province') ?? '',
    city: consignee?.text('city') ?? '',
    district: consignee?.text('county') ?? '',
    street: consignee?.text('town') ?? '',
    detail: consignee?.text('fullAddress') ?? '',
    receiver: consignee?.text('fullname') ?? '',
    phone: (consignee?.text('mobile') || consignee?.text('telephone')) ?? '',
    postcode: '',
  }, consignee?.text('virtualMobile'));
  const amounts = {
    goods: goodsAmount(lines, order.pathOf('itemInfoList'), errors),
    discount: sumFen([platformDiscount, shopDiscount], order.pathOf('sellerDiscount'), errors),
    platformDiscount,
    shopDiscount,
    shipping: order.yuan('freightPrice'),
    paid: order.yuan('orderPayment', { required: true }),
  };
  const payType = order.text('payType');
  const buyer = maskIfPhone(order.text('pin'));
  const buyerMessage = order.text('orderRemark');
  const sellerMemo = order.text('venderRemark');

  if (!errors.isEmpty || !state || !placedAt || !updatedAt) return { ok: false, errors: errors.list };
  return canonicalOrderOf({
    channel: 'jd',
    externalId,
    channelStatus: state.status,
    refundStatus: state.locked ? 'requested' : 'none',
    placedAt,
    paidAt,
    updatedAt,
    buyer,
    address,
    lines,
    amounts,
    coupons: [],
    buyerMessage,
    sellerMemo,
    paymentMethod: typeCode(payType) === CASH_ON_DELIVERY ? 'cod' : 'online',
    raw: payload,
  });
}

/** The number before the dash of JD's coded texts: "41-京东券优惠" -> "41". */
function typeCode(text: string): string {
  const dash = text.indexOf('-');
  return (dash < 0 ? text : text.slice(0, dash)).trim();
}
