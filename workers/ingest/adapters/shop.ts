import {
  type ChannelAdapter,
  type ChannelStatus,
  type NormalizeResult,
  type OrderLine,
  type RefundStatus,
} from '../../../streams/canonical-order.ts';
import { fen } from '../../../streams/money.ts';
import { NO_ADDRESS } from './address.ts';
import { addressWithContact } from './contact.ts';
import { canonicalOrderOf } from './canonical-order-of.ts';
import { FieldErrors, describeValue } from './field-errors.ts';
import { neverThrows } from './guard.ts';
import { DistinctLineIds } from './line-ids.ts';
import { PayloadReader } from './payload-reader.ts';
import { goodsAmount, sumFen } from './totals.ts';

interface FinancialState {
  status: ChannelStatus;
  refund: RefundStatus;
  /** Whether the buyer's money is in (or held for) the order, so `processed_at` is the payment time. */
  paid: boolean;
}

// Shopify lets the merchant capture an authorised payment when shipping, so an authorised order
// is ready to fulfil: it counts as paid.
const FINANCIAL_STATES = new Map<string, FinancialState>([
  ['pending', { status: 'pending_payment', refund: 'none', paid: false }],
  ['partially_paid', { status: 'pending_payment', refund: 'none', paid: false }],
  ['authorized', { status: 'paid', refund: 'none', paid: true }],
  ['paid', { status: 'paid', refund: 'none', paid: true }],
  ['partially_refunded', { status: 'paid', refund: 'partial', paid: true }],
  ['refunded', { status: 'paid', refund: 'refunded', paid: true }],
  ['voided', { status: 'cancelled', refund: 'none', paid: false }],
]);

// Hong Kong, Macau and Taiwan are countries to Shopify, provinces to GB/T 2260.
const REGIONS_AS_COUNTRIES = new Set(['HK', 'MO', 'TW']);
const CASH_ON_DELIVERY = /cash on delivery|\bcod\b|货到付款/i;

/**
 * Normalizes a Shopify order (the `orders/create` / `orders/updated` webhook body) of the
 * independent web shop.
 *
 * @example
 * const result = normalizeShop(JSON.parse(body));
 * if (result.ok) publish(result.order); else deadLetter(result.errors);
 */
export const normalizeShop: ChannelAdapter = neverThrows(normalize);

function normalize(payload: unknown): NormalizeResult {
  const errors = new FieldErrors();
  const order = PayloadReader.root(payload, errors);
  if (!order) return { ok: false, errors: errors.list };

  const externalId = shopifyId(order, 'id');
  const financial = order.oneOf('financial_status', FINANCIAL_STATES, { required: true });
  const placedAt = order.time('created_at', { required: true });
  const processedAt = order.time('processed_at');
  const updatedAt = order.time('updated_at', { required: true });
  const cancelledAt = order.time('cancelled_at');

  const currency = order.text('currency');
  if (currency !== '' && currency !== 'CNY') order.fail('currency', `must be CNY (amounts are kept in fen), got ${describeValue(currency)}`);

  const refund = financial?.refund ?? 'none';
  const lineIds = new DistinctLineIds();
  const lines = order.list('line_items', { required: true }).map((item): OrderLine => {
    const platformSkuId = item.text('variant_id');
    const sku = item.text('sku') || platformSkuId;
    if (sku === '') item.fail('sku', 'is required (and there is no variant_id to fall back on)');
    const qty = item.count('quantity');
    const unitPrice = item.yuan('price', { required: true });
    const lineDiscount = item.yuan('total_discount');
    const listAmount = unitPrice * qty;
    return {
      lineId: lineIds.check(item, 'id', shopifyId(item, 'id')),
      sku,
      platformSkuId,
      title: item.text('title'),
      qty,
      unitPrice,
      ...(Number.isSafeInteger(listAmount) && listAmount >= lineDiscount ? { payable: fen(listAmount - lineDiscount) } : {}),
      // Shopify does not say which lines a partial refund covered.
      refundStatus: refund === 'refunded' ? 'refunded' : 'none',
      gift: unitPrice === 0,
    };
  });

  const shipping = sumFen(
    order.list('shipping_lines').map((line) => line.yuan('price', { required: true })),
    order.pathOf('shipping_lines'),
    errors,
  );
  const discount = order.yuan('total_discounts');
  const paid = order.yuan('total_price', { required: true });
  const coupons = order
    .list('discount_codes')
    .map((code) => code.text('code'))
    .filter((code) => code !== '');

  const to = order.object('shipping_address');
  const countryCode = to?.text('country_code').toUpperCase() ?? '';
  const address = to
    ? addressWithContact({
        province: to.text('province'),
        shopifyProvinceCode: REGIONS_AS_COUNTRIES.has(countryCode)
          ? countryCode
          : countryCode === '' || countryCode === 'CN'
            ? to.text('province_code')
            : '',
        city: to.text('city'),
        district: '',
        street: '',
        detail: [to.text('address1'), to.text('address2')].filter((part) => part !== '').join(' '),
        receiver: to.text('name'),
        phone: to.text('phone'),
        postcode: to.text('zip'),
      })
    : NO_ADDRESS;
  const customer = order.object('customer');
  const buyer = customer?.has('id') ? shopifyId(customer, 'id') : '';
  const note = order.text('note');
  const goods = goodsAmount(lines, order.pathOf('line_items'), errors);

  if (!errors.isEmpty || !financial || !placedAt || !updatedAt) return { ok: false, errors: errors.list };
  return canonicalOrderOf({
    channel: 'shop',
    externalId,
    channelStatus: channelStatusOf(financial.status, cancelledAt !== null, order.raw('fulfillment_status')),
    refundStatus: refund,
    placedAt,
    paidAt: financial.paid ? (processedAt ?? placedAt) : null,
    updatedAt,
    buyer,
    address,
    lines,
    // Everything on our own shop is paid for by the shop.
    amounts: { goods, discount, platformDiscount: fen(0), shopDiscount: discount, shipping, paid },
    coupons,
    buyerMessage: note,
    sellerMemo: '',
    paymentMethod: isCashOnDelivery(order) ? 'cod' : 'online',
    raw: payload,
  });
}

// gid://shopify/Order/820982911946154508: the same id, as text.
const GRAPHQL_ID = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)$/;

/**
 * A Shopify id. One a double could not hold (parsed by a plain JSON.parse somewhere upstream) is
 * taken from `admin_graphql_api_id` beside it (or the `gid` given, where the GraphQL id sits
 * elsewhere) when that names the same number, since its digits were sent as text; without one it
 * is an error, never a rounded id.
 */
export function shopifyId(object: PayloadReader, key: string, gid: unknown = object.raw('admin_graphql_api_id')): string {
  const value = object.raw(key);
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    const digits = typeof gid === 'string' ? GRAPHQL_ID.exec(gid.trim())?.[1] : undefined;
    if (digits !== undefined && Number(digits) === value) return digits;
  }
  return object.id(key);
}

function channelStatusOf(financial: ChannelStatus, cancelled: boolean, fulfillment: unknown): ChannelStatus {
  if (cancelled) return 'cancelled';
  // A partly fulfilled order counts as shipped: the canonical statuses have no "partly shipped",
  // and treating it as merely paid would invite shipping the sent lines twice.
  if (financial === 'paid' && (fulfillment === 'fulfilled' || fulfillment === 'partial')) return 'shipped';
  return financial;
}

function isCashOnDelivery(order: PayloadReader): boolean {
  const gateways = order.raw('payment_gateway_names');
  const names = Array.isArray(gateways) ? gateways : [order.raw('gateway')];
  return names.some((name) => typeof name === 'string' && CASH_ON_DELIVERY.test(name));
}
