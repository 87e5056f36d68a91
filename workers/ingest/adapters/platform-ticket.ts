import type { Channel, FieldError } from '../../../streams/canonical-order.ts';
import type { TicketType } from '../../aftersales/ticket-machine.ts';
import { FieldErrors } from './field-errors.ts';
import { PayloadReader } from './payload-reader.ts';

/**
 * Where a platform says an after-sale stands, in the ticket's own words: the state the ticket
 * should reach. `rejected` covers the seller's refusal and the buyer's withdrawal (both close it).
 */
export type PlatformTicketStatus = 'requested' | 'approved' | 'return_shipped' | 'refunded' | 'rejected';

/** One platform after-sale record, read out of the platform's format. */
export interface PlatformTicket {
  channel: Channel;
  /** The platform's id of the after-sale: with the shop, the ticket's idempotency key. */
  platformTicketId: string;
  /** The order's id at the platform (its `external_id`). */
  externalOrderId: string;
  type: TicketType;
  status: PlatformTicketStatus;
  /** The platform's own status code, kept for the log and the record. */
  platformStatus: string;
  /** Units asked for, by the order's line ids as the order adapter gives them. */
  lines: { lineId: string; qty: number }[];
  /** What the platform refunds, in fen. */
  refundFen: number;
  reason: string;
  /** The record's version: later versions overtake earlier ones. */
  modifiedAtMs: number;
  /** The buyer's return parcel, once the platform knows it. */
  returnWaybill?: { carrier: string; waybill: string };
}

export type PlatformTicketResult = { ok: true; ticket: PlatformTicket } | { ok: false; errors: FieldError[] };

/**
 * The frame every after-sale normaliser shares: the payload must be an object; `read` reads its
 * fields through the reader, and any field error makes the whole record unreadable, each error
 * naming its field.
 */
export function readPlatformTicket(payload: unknown, read: (record: PayloadReader) => PlatformTicket): PlatformTicketResult {
  const errors = new FieldErrors();
  const record = PayloadReader.root(payload, errors);
  if (!record) return { ok: false, errors: errors.list };
  const ticket = read(record);
  return errors.isEmpty ? { ok: true, ticket } : { ok: false, errors: errors.list };
}

/** The return parcel, when both its carrier and its number are there. */
export function returnWaybillOf(carrier: string, waybill: string): { returnWaybill?: { carrier: string; waybill: string } } {
  return waybill ? { returnWaybill: { carrier: carrier || 'unknown', waybill } } : {};
}
