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
import { DistinctLineIds } from './line-ids.ts';
import { PayloadReader } from './payload-reader.ts';
import { maskIfPhone } from './phone.ts';
import { orderRefundStatus } from './refund-status.ts';
import { goodsAmount } from './totals.ts';

const STATUSES = new Map<string, ChannelStatus>([
  ['TRADE_NO_CREATE_PAY', 'pending_payment'],
  ['WAIT_BUYER_PAY', 'pending_payment'],
  ['PAY_PENDING', 'pending_payment'],
  ['WAIT_PRE_AUTH_CONFIRM', 'pending_payment'],
  ['WAIT_SELLER_SEND_GOODS', 'paid'],
  ['PAID_FORBID_CONSIGN', 'paid'],
  // Partly sent counts as shipped: the canonical statuses have no "partly shipped", and treating it
  // as merely paid would invite shipping the sent lines twice.
  ['SELLER_CONSIGNED_PART', 'shipped'],
  ['WAIT_BUYER_CONFIRM_GOODS', 'shipped'],
  ['TRADE_BUYER_SIGNED', 'completed'],
  ['TRADE_FINISHED', 'completed'],
  ['TRADE_CLOSED', 'cancelled'],
  ['TRADE_CLOSED_BY_TAOBAO', 'cancelled'],
]);

const REFUND_STATUSES = new Map<string, RefundStatus>([
  ['NO_REFUND', 'none'],
  ['WAIT_SELLER_AGREE', 'requested'],
  ['WAIT_BUYER_RETURN_GOODS', 'requested'],
  ['WAIT_SELLER_CONFIRM_GOODS', 'requested'],
  ['SELLER_REFUSE_BUYER', 'none'],
  ['CLOSED', 'none'],
  ['SUCCESS', 'refunded'],
]);

const ENVELOPE = 'trade_fullinfo_get_response';
const MAX_TOP_MESSAGE = 200;

/**
 * Normalizes a Tmall / Taobao trade from TOP `taobao.trade.fullinfo.get`, either the bare trade or
 * the API envelope `{"trade_fullinfo_get_response":{"trade":{...}}}`. Error paths are those of the
 * payload as given, so inside the envelope they start `trade_fullinfo_get_response.trade.`.
 */
export const normalizeTmall: ChannelAdapter = neverThrows(normalize);

function normalize(payload: unknown): NormalizeResult {
  const errors = new FieldErrors();
  const root = PayloadReader.root(payload, errors);
  const trade = root?.has(ENVELOPE) ? root.object(ENVELOPE)?.object('trade', { required: true }) : root;
  if (!trade) return { ok: false, errors: errors.list };
  if (root?.has('error_response')) {
    const error = root.object('error_response');
    const message = error?.text('sub_msg') || error?.text('msg') || 'no message';
    root.fail('error_response', `is a TOP error, not a trade: ${message.slice(0, MAX_TOP_MESSAGE)}`);
    return { ok: false, errors: errors.list };
  }

  // Taobao ids outgrew exact JSON numbers, so TOP also sends them as strings.
  const externalId = trade.has('tid_str') ? trade.id('tid_str') : trade.id('tid');
  const status = trade.oneOf('status', STATUSES, { required: true });
  const placedAt = trade.time('created', { required: true });
  const paidAt = trade.time('pay_time');
  const updatedAt = trade.time('modified', { required: true });

  const lineIds = new DistinctLineIds();
  const lines = trade.list('orders.order', { required: true }).map((order): OrderLine => {
    const skuId = order.text('sku_id');
    const platformSkuId = skuId || order.text('num_iid');
    // outer_iid is the merchant's code for the item as a whole, so it only stands in for a SKU
    // code when the item has no SKUs.
    const sku = order.text('outer_sku_id') || skuId || order.text('outer_iid') || platformSkuId;
    if (sku === '') order.fail('outer_sku_id', 'is required (and there is no sku_id, outer_iid or num_iid to fall back on)');
    const unitPrice = order.yuan('price', { required: true });
    return {
      lineId: order.has('oid_str') ? lineIds.check(order, 'oid_str', order.id('oid_str')) : lineIds.check(order, 'oid', order.id('oid')),
      sku,
      platformSkuId,
      title: order.text('title'),
      qty: order.count('num'),
      unitPrice,
      ...(order.has('payment') ? { payable: order.yuan('payment') } : {}),
      refundStatus: order.oneOf('refund_status', REFUND_STATUSES) ?? 'none',
      gift: unitPrice === 0,
    };
  });

  const address = addressWithContact({
    province: trade.text('receiver_state'),
    city: trade.text('receiver_city'),
    district: trade.text('receiver_district'),
    street: trade.text('receiver_town'),
    detail: trade.text('receiver_address'),
    receiver: trade.text('receiver_name'),
    phone: trade.text('receiver_mobile') || trade.text('receiver_phone'),
    postcode: trade.text('receiver_zip'),
  }, trade.text('virtual_mobile'));
  const amounts = {
    goods: goodsAmount(lines, trade.pathOf('orders.order'), errors),
    discount: trade.yuan('discount_fee'),
    shipping: trade.yuan('post_fee'),
    paid: trade.yuan('payment', { required: true }),
  };
  const buyer = maskIfPhone(trade.text('buyer_nick') || trade.text('buyer_open_uid'));
  const buyerMessage = trade.text('buyer_message');
  const sellerMemo = trade.text('seller_memo');
  const cashOnDelivery = trade.text('type') === 'cod';

  if (!errors.isEmpty || !status || !placedAt || !updatedAt) return { ok: false, errors: errors.list };
  return canonicalOrderOf({
    channel: 'tmall',
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
