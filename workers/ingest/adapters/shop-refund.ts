import { fen, type Fen } from '../../../streams/money.ts';
import { describeValue } from './field-errors.ts';
import type { PlatformTicketResult } from './platform-ticket.ts';
import { readPlatformTicket } from './platform-ticket.ts';
import { shopifyId } from './shop.ts';

// Only these say a refund transaction's money is back with the buyer; a pending one is not yet.
const TRANSACTION_STATUSES = new Set(['success', 'pending', 'failure', 'error']);
const RESTOCK_TYPES = new Set(['no_restock', 'cancel', 'return', 'legacy_restock']);

/**
 * A Shopify Refund (Admin REST `orders/{id}/refunds.json`, or the web shop simulator's shop-wide
 * listing). A refund exists on Shopify only once the merchant has returned the money, so it is a
 * completed refund: status `refunded`, a `return_refund` when any line was restocked as a return
 * (`restock_type` `return`), else `refund_only`. The amount is the sum of its `transactions` of
 * kind `refund` that succeeded (decimal strings, exact to the fen); a refund whose refund
 * transactions have not succeeded (pending, failed) has returned nothing yet and is unreadable,
 * naming `transactions`. Lines are `refund_line_items[].line_item_id`, the order's line ids.
 * Ids too large for a double are read from their text (see `shopifyId`); a refund is never edited,
 * so its version is `created_at`.
 */
export function normalizeShopRefund(payload: unknown): PlatformTicketResult {
  return readPlatformTicket(payload, (r) => {
    const platformTicketId = shopifyId(r, 'id');
    const externalOrderId = shopifyId(r, 'order_id', r.object('order')?.raw('admin_graphql_api_id'));
    const items = r.list('refund_line_items', { required: true });
    const lines = items.map((item) => {
      const restock = item.text('restock_type');
      if (restock !== '' && !RESTOCK_TYPES.has(restock)) item.fail('restock_type', `must be one of ${[...RESTOCK_TYPES].join(', ')}, got ${describeValue(restock)}`);
      return { lineId: shopifyId(item, 'line_item_id', item.object('line_item')?.raw('admin_graphql_api_id')), qty: item.count('quantity') };
    });
    const returned = items.some((item) => item.text('restock_type') === 'return');

    let refunded: Fen = fen(0);
    let refunds = 0;
    let succeeded = 0;
    for (const t of r.list('transactions', { required: true })) {
      const kind = t.text('kind', { required: true });
      if (kind !== 'refund') continue;
      refunds++;
      const status = t.text('status', { required: true });
      if (status !== '' && !TRANSACTION_STATUSES.has(status)) t.fail('status', `must be one of ${[...TRANSACTION_STATUSES].join(', ')}, got ${describeValue(status)}`);
      const currency = t.text('currency');
      if (currency !== '' && currency !== 'CNY') t.fail('currency', `must be CNY (amounts are kept in fen), got ${describeValue(currency)}`);
      const amount = t.yuan('amount', { required: true });
      if (status === 'success') {
        succeeded++;
        refunded = fen(refunded + amount);
      }
    }
    if (refunds === 0) r.fail('transactions', 'has no transaction of kind refund: no money was returned');
    else if (succeeded === 0) r.fail('transactions', 'has no successful refund transaction yet: the money is not returned (read it again once one succeeds)');

    return {
      channel: 'shop',
      platformTicketId,
      externalOrderId,
      type: returned ? 'return_refund' : 'refund_only',
      status: 'refunded',
      platformStatus: 'refunded',
      lines,
      refundFen: refunded,
      reason: r.text('note'),
      modifiedAtMs: r.time('created_at', { required: true })?.epochMs ?? 0,
    };
  });
}
