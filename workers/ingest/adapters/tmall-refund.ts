import type { PlatformTicketStatus, PlatformTicketResult } from './platform-ticket.ts';
import { readPlatformTicket, returnWaybillOf } from './platform-ticket.ts';

const STATUSES: ReadonlyMap<string, PlatformTicketStatus> = new Map([
  ['WAIT_SELLER_AGREE', 'requested'],
  ['WAIT_BUYER_RETURN_GOODS', 'approved'],
  ['WAIT_SELLER_CONFIRM_GOODS', 'return_shipped'],
  ['SELLER_REFUSE_BUYER', 'rejected'],
  ['CLOSED', 'rejected'],
  ['SUCCESS', 'refunded'],
]);

/**
 * A Tmall / Taobao refund (`taobao.refunds.receive.get`): one per sub-order `oid` (the order's
 * line id), `num` units, `refund_fee` in yuan, `has_good_return` telling a return from a refund
 * only, the return parcel in `company_name` / `sid`.
 *
 * @example
 * normalizeTmallRefund({ refund_id: '88', tid: 1001, oid: 10010, status: 'SUCCESS', has_good_return: false, num: 1, refund_fee: '99.00', modified: '2026-11-11 10:00:00' })
 * // { ok: true, ticket: { platformTicketId: '88', externalOrderId: '1001', type: 'refund_only', status: 'refunded', lines: [{ lineId: '10010', qty: 1 }], refundFen: 9900, ... } }
 */
export function normalizeTmallRefund(payload: unknown): PlatformTicketResult {
  return readPlatformTicket(payload, (r) => {
    const platformStatus = r.text('status');
    return {
      channel: 'tmall',
      platformTicketId: r.id('refund_id'),
      externalOrderId: r.id('tid'),
      type: r.raw('has_good_return') === true || r.raw('has_good_return') === 'true' ? 'return_refund' : 'refund_only',
      status: r.oneOf('status', STATUSES, { required: true }) ?? 'requested',
      platformStatus,
      lines: [{ lineId: r.id('oid'), qty: r.count('num') }],
      refundFen: r.yuan('refund_fee', { required: true }),
      reason: r.text('reason'),
      modifiedAtMs: r.time('modified', { required: true })?.epochMs ?? 0,
      ...returnWaybillOf(r.text('company_name'), r.text('sid')),
    };
  });
}
