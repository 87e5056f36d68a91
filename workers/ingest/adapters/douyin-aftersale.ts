import type { PlatformTicketStatus, PlatformTicketResult } from './platform-ticket.ts';
import { readPlatformTicket, returnWaybillOf } from './platform-ticket.ts';
import type { TicketType } from '../../aftersales/ticket-machine.ts';

const STATUSES: ReadonlyMap<string, PlatformTicketStatus> = new Map([
  ['6', 'requested'],
  ['7', 'approved'],
  ['11', 'return_shipped'],
  ['12', 'refunded'],
  ['27', 'rejected'],
  ['28', 'rejected'],
]);
const TYPES: ReadonlyMap<string, TicketType> = new Map([
  ['0', 'return_refund'],
  ['1', 'refund_only'],
  ['2', 'refund_only'],
  ['3', 'exchange'],
]);

/**
 * A 抖店 after-sale (`afterSale/List`): `aftersale_info` (id, type 0 return, 1/2 refund only, 3
 * exchange, status, `refund_amount` in fen, epoch-second times, the return parcel) and
 * `order_info` (the shop order and its sku orders, the order's line ids).
 */
export function normalizeDouyinAftersale(payload: unknown): PlatformTicketResult {
  return readPlatformTicket(payload, (r) => {
    const info = r.object('aftersale_info', { required: true });
    const order = r.object('order_info', { required: true });
    const lines = (order?.list('related_order_info', { required: true }) ?? []).map((l) => ({ lineId: l.id('sku_order_id'), qty: l.count('aftersale_item_num') }));
    return {
      channel: 'douyin',
      platformTicketId: info?.id('aftersale_id') ?? '',
      externalOrderId: order?.id('shop_order_id') ?? '',
      type: info?.oneOf('aftersale_type', TYPES, { required: true }) ?? 'refund_only',
      status: info?.oneOf('aftersale_status', STATUSES, { required: true }) ?? 'requested',
      platformStatus: info?.text('aftersale_status') ?? '',
      lines,
      refundFen: info?.fen('refund_amount') ?? 0,
      reason: info?.text('reason') ?? '',
      modifiedAtMs: info?.time('update_time', { required: true })?.epochMs ?? 0,
      ...returnWaybillOf(info?.text('return_logistics_company_name') ?? '', info?.text('return_logistics_code') ?? ''),
    };
  });
}
