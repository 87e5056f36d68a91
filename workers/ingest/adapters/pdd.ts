import {
  type ChannelAdapter,
  type ChannelStatus,
  type NormalizeResult,
  type OrderLine,
  type RefundStatus,
} from '../../../streams/canonical-order.ts';
import { addressWithContact } from './contact.ts';
import { canonicalOrderOf } from './canonical-order-of.ts';
import { FieldErrors } from './field-errors.ts';
import { neverThrows } from './guard.ts';
import { LineIds } from './line-ids.ts';
import { PayloadReader } from './payload-reader.ts';
import { goodsAmount } from './totals.ts';

const ORDER_STATUSES = new Map<string, ChannelStatus>([
  ['1', 'paid'],
  ['2', 'shipped'],
  ['3', 'completed'],
]);

// 2 "in progress" (售后处理中) and 3 "refunding" (退款中) both mean a refund is under way.
const REFUND_STATUSES = new Map<string, RefundStatus>([
  ['1', 'none'],
  ['2', 'requested'],
  ['3', 'requested'],
  ['4', 'refunded'],
]);

// confirm_status: 0 the group buy has not formed yet, 1 confirmed, 2 cancelled. An unformed group
// must not be shipped, which is what pending_payment tells the pipeline.
const UNCONFIRMED = '0';
const CONFIRMATION_CANCELLED = '2';

/**
 * Normalizes a Pinduoduo `pdd.order.information.get` order_info. Amounts are yuan numbers; the
 * buyer is anonymous to the seller, so `buyer` is empty.
 */
export const normalizePdd: ChannelAdapter = neverThrows(normalize);

function normalize(payload: unknown): NormalizeResult {
  const errors = new FieldErrors();
  const order = PayloadReader.root(payload, errors);
  if (!order) return { ok: false, errors: errors.list };

  const externalId = order.id('order_sn');
  const orderStatus = order.oneOf('order_status', ORDER_STATUSES, { required: true });
  const refundStatus = order.oneOf('refund_status', REFUND_STATUSES) ?? 'none';
  const confirmStatus = order.text('confirm_status');
  const placedAt = order.time('created_time', { required: true });
  const paidAt = order.time('confirm_time');
  const updatedAt = order.time('updated_at', { required: true });

  const lineIds = new LineIds();
  const lines = order.list('item_list', { required: true }).map((item): OrderLine => {
    const skuId = item.text('sku_id');
    const platformSkuId = skuId || item.text('goods_id');
    const sku = item.text('outer_id') || skuId || item.text('outer_goods_id') || platformSkuId;
    if (sku === '') item.fail('sku_id', 'is required (and there is no outer_id, outer_goods_id or goods_id either)');
    const unitPrice = item.yuan('goods_price', { required: true });
    return {
      lineId: lineIds.next(platformSkuId || sku),
      sku,
      platformSkuId,
      title: item.text('goods_name'),
      qty: item.count('goods_count'),
      unitPrice,
      // Pinduoduo refunds whole orders, not lines.
      refundStatus,
      gift: unitPrice === 0,
    };
  });

  const address = addressWithContact({
    province: order.text('province'),
    city: order.text('city'),
    district: order.text('town'),
    street: '',
    detail: order.text('address') || order.text('address_mask'),
    receiver: order.text('receiver_name_mask') || order.text('receiver_name'),
    phone: order.text('receiver_phone_mask') || order.text('receiver_phone'),
    postcode: '',
  }, order.text('receiver_phone_virtual'));
  const amounts = {
    goods: goodsAmount(lines, order.pathOf('item_list'), errors),
    discount: order.yuan('discount_amount'),
    platformDiscount: order.yuan('platform_discount'),
    shopDiscount: order.yuan('seller_discount'),
    shipping: order.yuan('postage'),
    paid: order.yuan('pay_amount', { required: true }),
  };
  const buyerMessage = order.text('buyer_memo');
  const sellerMemo = order.text('remark');

  if (!errors.isEmpty || !orderStatus || !placedAt || !updatedAt) return { ok: false, errors: errors.list };
  return canonicalOrderOf({
    channel: 'pdd',
    externalId,
    channelStatus:
      confirmStatus === CONFIRMATION_CANCELLED ? 'cancelled' : confirmStatus === UNCONFIRMED ? 'pending_payment' : orderStatus,
    refundStatus,
    placedAt,
    paidAt,
    updatedAt,
    buyer: '',
    address,
    lines,
    amounts,
    coupons: [],
    buyerMessage,
    sellerMemo,
    // Pinduoduo has no cash on delivery.
    paymentMethod: 'online',
    raw: payload,
  });
}
