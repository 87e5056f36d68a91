import { formatChinaIso, parseChinaDay } from '../../../workers/ingest/connectors/china-clock.ts';
import { ApiParams, ParamError } from './api-params.ts';
import { basketOf, movedDetail } from './demo-basket.ts';
import { compareIds, type PlatformOrder } from './order-store.ts';
import type { PlatformDefinition } from './platform-simulator.ts';

/** A ticket of the seller's own store till (channels.md, pos). */
export interface PosTicket {
  storeId: string;
  ticketNo: string;
  soldAt: string;
  /**
   * When the back office last changed the ticket (a void, a new delivery address). Not read by
   * the adapter, which takes a printed ticket's sale time as its version; the API windows by it.
   */
  modifiedAt: string;
  cashier: string;
  memberId: string;
  delivery?: { province: string; city: string; district: string; street: string; detail: string; receiver: string; phone: string; postcode: string };
  items: { sku: string; name: string; qty: number; unitPrice: number; discount: number }[];
  payments: { method: 'wechat' | 'alipay' | 'card' | 'cash'; amount: number }[];
  status: 'paid' | 'voided';
}

const PAGE_MAX = 500;
const STORES = ['SH001', 'SH002', 'HZ001'] as const;
const METHODS = ['wechat', 'alipay', 'card', 'cash'] as const;

/**
 * The store tills' back office (ours, so its API is the simplest):
 * - `GET /api/tickets?modified_from=&modified_to=` (ISO-8601, both included) `&limit=` (at most
 *   500) `&after=`: tickets changed in the window in (modifiedAt, id) order, and `next`, the
 *   `after` of the following page (null on the last);
 * - `GET /api/tickets/daily-count?date=YYYY-MM-DD`: `{date, count, ticketIds}` of the tickets
 *   sold that China-time day.
 */
export const POS: PlatformDefinition<PosTicket> = {
  channel: 'pos',
  create(seq, { createdMs, modifiedMs }) {
    const basket = basketOf(seq);
    const ticket: PosTicket = {
      storeId: STORES[seq % STORES.length]!,
      ticketNo: String(seq),
      soldAt: formatChinaIso(createdMs),
      modifiedAt: formatChinaIso(modifiedMs),
      cashier: `C${String(seq % 12).padStart(2, '0')}`,
      memberId: `M${String(seq % 100_000).padStart(8, '0')}`,
      // Every other sale is delivered home; the rest are carried out.
      ...(seq % 2 === 0 ? { delivery: { ...basket.address, street: '' } } : {}),
      // The store takes its discount off the first line; tills deliver nothing, so no shipping.
      items: basket.lines.map((line, i) => ({ sku: line.sku, name: line.title, qty: line.qty, unitPrice: line.unitFen, discount: i === 0 ? basket.discountFen : 0 })),
      payments: [{ method: METHODS[seq % METHODS.length]!, amount: basket.goodsFen - basket.discountFen }],
      status: 'paid',
    };
    return { externalId: `${ticket.storeId}-${ticket.ticketNo}`, payload: ticket };
  },
  update({ seq, payload: ticket }, kind, atMs) {
    const modifiedAt = formatChinaIso(atMs);
    if (ticket.status !== 'paid') return undefined;
    switch (kind) {
      case 'cancelled':
      case 'refunded':
        // A till refunds by voiding the ticket.
        return { ...ticket, status: 'voided', modifiedAt };
      case 'readdressed':
        return ticket.delivery && ticket.delivery.detail !== movedDetail(seq) ? { ...ticket, delivery: { ...ticket.delivery, detail: movedDetail(seq) }, modifiedAt } : undefined;
      case 'paid':
        // Paid at the till: there is no later payment.
        return undefined;
      default: {
        const never: never = kind;
        throw new Error(`unknown update ${String(never)}`);
      }
    }
  },
  route(req, { store, serve }) {
    if (req.method !== 'GET') return undefined;
    const params = new ApiParams(req);
    try {
      if (req.path === '/api/tickets') {
        const from = params.time('modified_from');
        const to = params.time('modified_to');
        const limit = params.int('limit', 100, 1, PAGE_MAX);
        const after = params.has('after') ? decodeAfter(params.text('after')) : undefined;
        const matching = store.modifiedWithin(from, to).filter((o) => after === undefined || isAfter(o, after));
        const page = matching.slice(0, limit);
        const last = page.at(-1);
        const next = last && matching.length > limit ? Buffer.from(JSON.stringify([last.modifiedMs, last.externalId])).toString('base64url') : null;
        return { status: 200, body: { tickets: serve(page), next } };
      }
      if (req.path === '/api/tickets/daily-count') {
        const date = params.text('date');
        const day = parseChinaDay(date);
        if (!day) throw new ParamError('date', `must be a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
        const tickets = store.createdWithin(day.startMs, day.endMs);
        return { status: 200, body: { date, count: tickets.length, ticketIds: tickets.map((t) => t.externalId) } };
      }
      return undefined;
    } catch (error) {
      if (error instanceof ParamError) return { status: 400, body: { error: error.message } };
      throw error;
    }
  },
  rateLimitedBody: (retryAfterS) => ({ error: `rate limited: retry in ${retryAfterS} s` }),
};

function isAfter(o: PlatformOrder<PosTicket>, [modifiedMs, externalId]: [number, string]): boolean {
  return o.modifiedMs > modifiedMs || (o.modifiedMs === modifiedMs && compareIds(o.externalId, externalId) > 0);
}

function decodeAfter(text: string): [number, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {
    // fall through to the error below
  }
  throw new ParamError('after', 'is not a cursor this API handed out');
}
