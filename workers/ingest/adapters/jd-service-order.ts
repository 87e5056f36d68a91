import type { PlatformTicketStatus, PlatformTicketResult } from './platform-ticket.ts';
import { readPlatformTicket, returnWaybillOf } from './platform-ticket.ts';
import type { TicketType } from '../../aftersales/ticket-machine.ts';

const STATUSES: ReadonlyMap<string, PlatformTicketStatus> = new Map([
  ['10001', 'requested'],
  ['10002', 'approved'],
  ['10004', 'return_shipped'],
  ['10005', 'rejected'],
  ['10009', 'rejected'],
  ['10010', 'refunded'],
]);
const EXPECTS: ReadonlyMap<string, TicketType> = new Map([
  ['10', 'return_refund'],
  ['20', 'exchange'],
  ['40', 'refund_only'],
]);

/**
 * A JD after-sale service order (`jingdong.asc.query.list`): one per SKU line (`skuId`, the
 * order's line id), `serviceCount` units, `customerExpect` 10 return, 20 exchange, 40 refund only,
 * `refundAmount` in yuan, the return parcel in `expressCompany` / `expressCode`.
 */
export function normalizeJdServiceOrder(payload: unknown): PlatformTicketResult {
  return readPlatformTicket(payload, (r) => ({
    channel: 'jd',
    platformTicketId: r.id('serviceId'),
    externalOrderId: r.id('orderId'),
    type: r.oneOf('customerExpect', EXPECTS, { required: true }) ?? 'refund_only',
    status: r.oneOf('serviceStatus', STATUSES, { required: true }) ?? 'requested',
    platformStatus: r.text('serviceStatus'),
    lines: [{ lineId: r.id('skuId'), qty: r.count('serviceCount') }],
    refundFen: r.yuan('refundAmount'),
    reason: r.text('questionDesc'),
    modifiedAtMs: r.time('updateTime', { required: true })?.epochMs ?? 0,
    ...returnWaybillOf(r.text('expressCompany'), r.text('expressCode')),
  }));
}
