import {
  type ChannelAdapter,
  type ChannelStatus,
  type NormalizeResult,
  type OrderLine,
} from '../../../streams/canonical-order.ts';
import { fen, type Fen } from '../../../streams/money.ts';
import { NO_ADDRESS } from './address.ts';
import { addressWithContact } from './contact.ts';
import { canonicalOrderOf } from './canonical-order-of.ts';
import { FieldErrors } from './field-errors.ts';
import { neverThrows } from './guard.ts';
import { PayloadReader } from './payload-reader.ts';
import { goodsAmount, sumFen } from './totals.ts';

const TICKET_STATUSES = new Map<string, 'paid' | 'voided'>([
  ['paid', 'paid'],
  ['voided', 'voided'],
]);
const PAYMENT_METHODS = new Map<string, string>(['wechat', 'alipay', 'card', 'cash'].map((m) => [m, m]));

/**
 * Normalizes a ticket of the seller's own store till. The external id is `STORE-TICKET`, since
 * ticket numbers are only unique within a store. A paid ticket to be delivered home is `paid`
 * (it still has to ship); one the buyer carried out is `completed`.
 *
 * @example
 * const result = normalizePos(ticket);
 * if (result.ok) console.log(result.order.id); // 'pos:SH001-000123'
 */
export const normalizePos: ChannelAdapter = neverThrows(normalize);

function normalize(payload: unknown): NormalizeResult {
  const errors = new FieldErrors();
  const ticket = PayloadReader.root(payload, errors);
  if (!ticket) return { ok: false, errors: errors.list };

  const storeId = ticket.id('storeId');
  const ticketNo = ticket.id('ticketNo');
  const externalId = `${storeId}-${ticketNo}`;
  const state = ticket.oneOf('status', TICKET_STATUSES, { required: true });
  // A ticket is final once printed, so the sale time is also its last change.
  const soldAt = ticket.time('soldAt', { required: true });
  // A ticket changed later (voided, delivery address corrected) says when in `modifiedAt`; the
  // version must grow with it or the change would look like a duplicate.
  const modifiedAt = ticket.time('modifiedAt');

  const discounts: Fen[] = [];
  const lines = ticket.list('items', { required: true }).map((item, index): OrderLine => {
    const sku = item.text('sku', { required: true });
    const qty = item.count('qty');
    const unitPrice = item.fen('unitPrice', { required: true });
    const discount = item.fen('discount');
    discounts.push(discount);
    const listAmount = unitPrice * qty;
    return {
      lineId: String(index + 1),
      sku,
      platformSkuId: sku,
      title: item.text('name'),
      qty,
      unitPrice,
      ...(Number.isSafeInteger(listAmount) && listAmount >= discount ? { payable: fen(listAmount - discount) } : {}),
      refundStatus: 'none',
      gift: unitPrice === 0,
    };
  });

  const paid = sumFen(
    ticket.list('payments', { required: true }).map((payment) => {
      payment.oneOf('method', PAYMENT_METHODS, { required: true });
      return payment.fen('amount', { required: true });
    }),
    ticket.pathOf('payments'),
    errors,
  );
  const discount = sumFen(discounts, ticket.pathOf('items'), errors);

  const delivery = ticket.object('delivery');
  const address = delivery
    ? addressWithContact({
        province: delivery.text('province'),
        city: delivery.text('city'),
        district: delivery.text('district'),
        street: delivery.text('street'),
        detail: delivery.text('detail'),
        receiver: delivery.text('receiver'),
        phone: delivery.text('phone'),
        postcode: delivery.text('postcode'),
      })
    : NO_ADDRESS;
  const amounts = {
    goods: goodsAmount(lines, ticket.pathOf('items'), errors),
    discount,
    platformDiscount: fen(0),
    shopDiscount: discount,
    shipping: fen(0),
    paid,
  };
  const buyer = ticket.text('memberId');

  if (!errors.isEmpty || !state || !soldAt) return { ok: false, errors: errors.list };
  const channelStatus: ChannelStatus = state === 'voided' ? 'cancelled' : delivery ? 'paid' : 'completed';
  return canonicalOrderOf({
    channel: 'pos',
    externalId,
    channelStatus,
    refundStatus: 'none',
    placedAt: soldAt,
    paidAt: soldAt,
    updatedAt: modifiedAt ?? soldAt,
    buyer,
    address,
    lines,
    amounts,
    coupons: [],
    buyerMessage: '',
    sellerMemo: '',
    // Paid at the till before anything leaves the store.
    paymentMethod: 'online',
    raw: payload,
  });
}
