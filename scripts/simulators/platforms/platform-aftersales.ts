import type { JsonRequest } from '../json-server.ts';
import { apportion } from '../../../workers/pricing/engine/apportion.ts';
import { fen } from '../../../streams/money.ts';
import type { ApiResponse } from './api-server.ts';
import { basketOf } from './demo-basket.ts';
import { OrderStore, type PlatformOrder } from './order-store.ts';

/** What the buyer asks for. The simulators model the two kinds every marketplace has. */
export type SimAftersaleType = 'refund_only' | 'return_refund';

/**
 * Where an after-sale stands at the platform, platform-neutral; each platform writes it in its own
 * codes. Refund only: requested -> success | rejected | closed. Return and refund: requested ->
 * agreed -> returned (the buyer sent the goods back) -> success, or rejected | closed.
 */
export type SimAftersaleStatus = 'requested' | 'agreed' | 'returned' | 'rejected' | 'closed' | 'success';

/** One after-sale record as the simulator keeps it, before a platform writes it in its format. */
export interface SimAftersale {
  /** The platform's after-sale (refund, service order) id. */
  id: string;
  orderExternalId: string;
  /** The generator's order number: the basket it refunds. */
  orderSeq: number;
  /** Which line of the basket; every unit of it is asked for. */
  lineIndex: number;
  qty: number;
  type: SimAftersaleType;
  status: SimAftersaleStatus;
  /** What the platform refunds: the line's payable after the order's discount, to the fen. */
  refundFen: number;
  reason: string;
  createdMs: number;
  modifiedMs: number;
  /** The buyer's return parcel, once `returned`. */
  returnWaybill?: { company: string; waybill: string };
}

const NEXT: Readonly<Record<SimAftersaleType, Partial<Record<SimAftersaleStatus, readonly SimAftersaleStatus[]>>>> = {
  refund_only: { requested: ['success', 'rejected', 'closed'] },
  return_refund: { requested: ['agreed', 'rejected', 'closed'], agreed: ['returned', 'closed'], returned: ['success', 'rejected'] },
};

/** Whether the platform lets an after-sale of `type` move from `from` to `to`. */
export function canMove(type: SimAftersaleType, from: SimAftersaleStatus, to: SimAftersaleStatus): boolean {
  return NEXT[type][from]?.includes(to) ?? false;
}

/**
 * Each line's payable in fen for order `seq`: its list amount less its share of the order's
 * discount, split by the largest-remainder rule pricing apportions platform discounts with, so a
 * refund of a whole line is what the seller's own books refund for it.
 */
export function linePayables(seq: number): number[] {
  const basket = basketOf(seq);
  const amounts = basket.lines.map((l) => fen(l.unitFen * l.qty));
  const shares = apportion(fen(basket.discountFen), amounts);
  return amounts.map((amount, i) => amount - (shares[i] ?? 0));
}

/** One platform's after-sale format and API; the book (below) keeps the records. */
export interface AftersaleFormat<R> {
  /** The record as the platform's after-sale API lists it. */
  render(record: SimAftersale, order: PlatformOrder<unknown>): R;
  /**
   * Answers the platform's after-sale listing from `store` (rendered records, by modified time);
   * undefined when the call is not one, so the order routes get it.
   */
  route(req: JsonRequest, store: OrderStore<R>): ApiResponse | undefined;
}

/** The after-sale records of one simulated platform, rendered in its format on every change. */
export class AftersaleBook<R> {
  readonly records = new Map<string, SimAftersale>();
  readonly rendered = new OrderStore<R>();

  constructor(private readonly format: AftersaleFormat<R>) {}

  /** Stores a new record or the new version of a known one, and renders it. */
  put(record: SimAftersale, order: PlatformOrder<unknown>): void {
    this.records.set(record.id, record);
    this.rendered.put({ externalId: record.id, seq: record.orderSeq, createdMs: record.createdMs, modifiedMs: record.modifiedMs, payload: this.format.render(record, order), served: true });
  }

  route(req: JsonRequest): ApiResponse | undefined {
    return this.format.route(req, this.rendered);
  }

  /** Fen refunded (after-sales that succeeded) per order external id. */
  refundedByOrder(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.records.values()) if (r.status === 'success') out.set(r.orderExternalId, (out.get(r.orderExternalId) ?? 0) + r.refundFen);
    return out;
  }
}
