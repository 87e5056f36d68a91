import {
  type ChannelAdapter,
  type ChannelStatus,
  type NormalizeResult,
  type OrderLine,
  type RefundStatus,
} from '../../../streams/canonical-order.ts';
import { fen, type Fen } from '../../../streams/money.ts';
import { addressWithContact } from './contact.ts';
import { canonicalOrderOf } from './canonical-order-of.ts';
import { FieldErrors } from './field-errors.ts';
import { neverThrows } from './guard.ts';
import { DistinctLineIds } from './line-ids.ts';
import { PayloadReader } from './payload-reader.ts';
import { orderRefundStatus } from './refund-status.ts';
import { goodsAmount } from './totals.ts';

const ORDER_STATUSES = new Map<string, ChannelStatus>([
  ['1', 'pending_payment'],
  ['105', 'paid'],
  ['2', 'paid'],
  // Partly shipped counts as shipped: see tmall.ts, SELLER_CONSIGNED_PART.
  ['101', 'shipped'],
  ['3', 'shipped'],
  ['4', 'cancelled'],
  ['5', 'completed'],
]);

// after_sale_info.refund_status: 0 no refund needed, 1 to refund, 2 refunding, 3 refunded,
// 4 refund failed.
const REFUND_STATUSES = new Map<string, RefundStatus>([
  ['0', 'none'],
  ['1', 'requested'],
  ['2', 'requested'],
  ['3', 'refunded'],
  ['4', 'none'],
]);

// pay_type 0 is 货到付款.
const CASH_ON_DELIVERY = '0';
// Douyin writes 0 for "no external SKU id".
const UNSET_OUT_SKU = '0';

/**
 * Normalizes a Douyin (抖店) `order.orderDetail` shop_order_detail. Amounts are already integer
 * fen and times are epoch seconds. A line's unit price is `goods_price` when given, else its
 * `origin_amount` (unit price × quantity) divided by `item_num`.
 */
export const normalizeDouyin: ChannelAdapter = neverThrows(normalize);

function normalize(payload: unknown): NormalizeResult {
  const errors = new FieldErrors();
  const order = PayloadReader.root(payload, errors);
  if (!order) return { ok: false, errors: errors.list };

  const externalId = order.id('order_id');
  const status = order.oneOf('order_status', ORDER_STATUSES, { required: true });
  const placedAt = order.time('create_time', { required: true });
  const paidAt = order.time('pay_time');
  const updatedAt = order.time('update_time', { required: true });

  const lineIds = new DistinctLineIds();
  const lines = order.list('sku_order_list', { required: true }).map((item): OrderLine => {
    const platformSkuId = item.text('sku_id');
    const outSkuId = item.text('out_sku_id');
    const sku = (outSkuId === UNSET_OUT_SKU ? '' : outSkuId) || item.text('code') || platformSkuId;
    if (sku === '') item.fail('sku_id', 'is required (and there is no out_sku_id or code either)');
    const qty = item.count('item_num');
    const unitPrice = unitPriceOf(item, qty);
    const afterSale = item.object('after_sale_info');
    return {
      lineId: lineIds.check(item, 'order_id', item.id('order_id')),
      sku,
      platformSkuId,
      title: item.text('product_name'),
      qty,
      unitPrice,
      ...(item.has('pay_amount') ? { payable: item.fen('pay_amount') } : {}),
      refundStatus: afterSale?.oneOf('refund_status', REFUND_STATUSES) ?? 'none',
      gift: unitPrice === 0,
    };
  });

  const postAddr = order.object('post_addr');
  const address = addressWithContact({
    province: nameOf(postAddr, 'province'),
    city: nameOf(postAddr, 'city'),
    district: nameOf(postAddr, 'town'),
    street: nameOf(postAddr, 'street'),
    // Encrypted details stay opaque here; decrypting them is the platform client's business.
    detail: (postAddr?.text('detail') || postAddr?.text('encrypt_detail')) ?? '',
    receiver: order.text('mask_post_receiver'),
    phone: order.text('mask_post_tel'),
    postcode: '',
  }, order.text('virtual_post_tel'));
  const amounts = {
    goods: goodsAmount(lines, order.pathOf('sku_order_list'), errors),
    discount: order.fen('promotion_amount'),
    platformDiscount: order.fen('promotion_platform_amount'),
    shopDiscount: order.fen('promotion_shop_amount'),
    shipping: order.fen('post_amount'),
    paid: order.fen('pay_amount', { required: true }),
  };
  const buyer = order.text('doudian_open_id');
  const buyerMessage = order.text('buyer_words');
  const sellerMemo = order.text('seller_words');
  const payType = order.raw('pay_type');
  const cashOnDelivery = (typeof payType === 'number' ? String(payType) : payType) === CASH_ON_DELIVERY;

  if (!errors.isEmpty || !status || !placedAt || !updatedAt) return { ok: false, errors: errors.list };
  return canonicalOrderOf({
    channel: 'douyin',
    externalId,
    channelStatus: status,
    refundStatus: orderRefundStatus(lines),
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
    paymentMethod: cashOnDelivery ? 'cod' : 'online',
    raw: payload,
  });
}

function unitPriceOf(item: PayloadReader, qty: number): Fen {
  if (item.has('goods_price')) return item.fen('goods_price');
  const origin = item.fen('origin_amount', { required: true });
  if (origin % qty === 0) return fen(origin / qty);
  item.fail('origin_amount', `must be the unit price × item_num (${qty}), got ${origin}`);
  return fen(0);
}

/** Douyin gives each address level as `{ name, id }`. */
function nameOf(postAddr: PayloadReader | undefined, level: string): string {
  return postAddr?.object(level)?.text('name') ?? '';
}
