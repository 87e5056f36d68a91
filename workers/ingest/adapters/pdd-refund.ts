import type { PlatformTicketStatus, PlatformTicketResult } from './platform-ticket.ts';
import { readPlatformTicket, returnWaybillOf } from './platform-ticket.ts';
import type { TicketType } from '../../aftersales/ticket-machine.ts';

const STATUSES: ReadonlyMap<string, PlatformTicketStatus> = new Map([
  ['2', 'requested'],
  ['3', 'requested'],
  ['4', 'approved'],
  ['6', 'rejected'],
  ['7', 'approved'],
  ['10', 'refunded'],
  ['11', 'rejected'],
]);
const TYPES: ReadonlyMap<string, TicketType> = new Map([
  ['2', 'refund_only'],
  ['3', 'return_refund'],
  ['4', 'exchange'],
]);

/**
 * A Pinduoduo after-sale (`pdd.refund.list.increment.get`): `after_sales_type` 2 refund only, 3
 * return, 4 exchange; `after_sales_status` in Pinduoduo's codes (7 "agreed, waiting for the
 * buyer's parcel" becomes return shipped once `tracking_number` is there); `refund_amount` in
 * fen; the line is the order's `sku_id`.
 */
export function normalizePddRefund(payload: unknown): PlatformTicketResult {
  return readPlatformTicket(payload, (r) => {
    const waybill = returnWaybillOf(r.text('shipping_name'), r.text('tracking_number'));
    const status = r.oneOf('after_sales_status', STATUSES, { required: true }) ?? 'requested';
    return {
      channel: 'pdd',
      platformTicketId: r.id('id'),
      externalOrderId: r.id('order_sn'),
      type: r.oneOf('after_sales_type', TYPES, { required: true }) ?? 'refund_only',
      status: status === 'approved' && waybill.returnWaybill ? 'return_shipped' : status,
      platformStatus: r.text('after_sales_status'),
      lines: [{ lineId: r.id('sku_id'), qty: r.count('goods_number') }],
      refundFen: r.fen('refund_amount'),
      reason: r.text('after_sale_reason'),
      modifiedAtMs: r.time('updated_time', { required: true })?.epochMs ?? 0,
      ...waybill,
    };
  });
}
