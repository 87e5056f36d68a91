import type { InvoiceKind } from '../../sql/invoice-tables.ts';
import type { InvoiceFacts } from '../../sql/queries/invoices.ts';
import type { PostResult } from '../idempotent-post.ts';
import type { StepResult } from '../order-step.ts';

export type { InvoiceFacts };

/** One item for the invoice service, under the idempotency key `ORDER:KIND`. */
export interface InvoiceRequest {
  key: string;
  orderId: string;
  shop: string;
  kind: InvoiceKind;
  title: string;
  taxNo: string;
  /** Signed fen: a red invoice is the negative of its blue one. */
  amountFen: number;
  /** A red invoice: the blue one it reverses. */
  blueInvoiceNo?: string;
}

/** Why nothing is asked of the invoice service for an order. */
export type NoInvoiceReason = 'off' | 'refunded_before_invoicing' | 'cancelled' | 'nothing_paid' | 'invoiced' | 'reversed';

export type InvoiceAction =
  | { kind: 'request'; request: InvoiceRequest }
  /** A shop invoicing at shipment whose order has not shipped yet: the sweep asks again once it has. */
  | { kind: 'await_shipment' }
  | { kind: 'none'; why: NoInvoiceReason };

/** The title of an invoice for a buyer who asked for none in particular: an individual. */
export const INDIVIDUAL_TITLE = '个人';

/** The idempotency key of an order's invoice of one kind: the same order and kind is never invoiced twice. */
export function invoiceKey(orderId: string, kind: InvoiceKind): string {
  return `${orderId}:${kind}`;
}

/**
 * What to ask of the invoice service for one order. Pure.
 * - No blue invoice yet: none for a shop that switched invoicing off, an order refunded in full
 *   or cancelled before it was invoiced, or one that paid nothing; a shop invoicing at shipment (and any cash
 *   on delivery order, which is paid only on delivery) waits until every parcel has left the
 *   warehouse; otherwise the blue invoice for what was paid, made out to the title the order asked
 *   for, else to an individual (个人) with no taxpayer number.
 * - A blue invoice and a full refund: its red-letter reversal (冲红), the negative of it, once.
 *
 * @example
 * decideInvoice({ ...facts, point: 'shipped', shipped: false, blue: null }) // { kind: 'await_shipment' }
 */
export function decideInvoice(f: InvoiceFacts): InvoiceAction {
  if (f.blue) {
    if (f.red) return { kind: 'none', why: 'reversed' };
    if (!f.fullyRefunded) return { kind: 'none', why: 'invoiced' };
    return {
      kind: 'request',
      request: { key: invoiceKey(f.orderId, 'red'), orderId: f.orderId, shop: f.shop, kind: 'red', title: f.blue.title, taxNo: f.blue.taxNo, amountFen: -f.blue.amountFen, blueInvoiceNo: f.blue.invoiceNo },
    };
  }
  if (f.point === 'off') return { kind: 'none', why: 'off' };
  if (f.fullyRefunded) return { kind: 'none', why: 'refunded_before_invoicing' };
  if (f.cancelled) return { kind: 'none', why: 'cancelled' };
  if (f.paidFen <= 0) return { kind: 'none', why: 'nothing_paid' };
  if ((f.point === 'shipped' || f.cod) && !f.shipped) return { kind: 'await_shipment' };
  const buyer = f.buyer ?? { title: INDIVIDUAL_TITLE, taxNo: '' };
  return { kind: 'request', request: { key: invoiceKey(f.orderId, 'blue'), orderId: f.orderId, shop: f.shop, kind: 'blue', title: buyer.title, taxNo: buyer.taxNo, amountFen: f.paidFen } };
}

/** An invoice the service issued, as the `invoices` table keeps it. */
export interface IssuedInvoice {
  orderId: string;
  kind: InvoiceKind;
  shop: string;
  invoiceNo: string;
  title: string;
  taxNo: string;
  amountFen: number;
}

/** What a round of the invoice step comes to. */
export interface InvoiceOutcome {
  /** Per order, for the stage runner (the sweep logs the failures instead). */
  results: Map<string, StepResult>;
  issued: IssuedInvoice[];
  /** Orders that wait for their shipment, to remember. */
  awaiting: string[];
  /** Orders no longer waiting for their shipment (invoiced, off, refunded). */
  settled: string[];
}

/**
 * What each order's action and the service's answer mean: an answered request is an issued
 * invoice to record; a transient failure is retried; a refusal (4xx) is dead (the stage
 * dead-letters it, naming the service's reason). Pure.
 */
export function decideInvoiceOutcome(actions: ReadonlyMap<string, InvoiceAction>, answerOf: (key: string) => PostResult | undefined): InvoiceOutcome {
  const out: InvoiceOutcome = { results: new Map(), issued: [], awaiting: [], settled: [] };
  for (const [orderId, action] of actions) {
    if (action.kind === 'await_shipment') {
      out.awaiting.push(orderId);
      out.results.set(orderId, { kind: 'moved' });
      continue;
    }
    if (action.kind === 'none') {
      out.settled.push(orderId);
      out.results.set(orderId, { kind: 'moved' });
      continue;
    }
    const { request } = action;
    const answer = answerOf(request.key) ?? { kind: 'transient', error: `invoice service gave no answer for ${request.key}` };
    if (answer.kind === 'transient') {
      out.results.set(orderId, { kind: 'retry', error: answer.error });
    } else if (answer.kind === 'rejected') {
      out.results.set(orderId, { kind: 'dead', error: `${request.kind} invoice refused: ${answer.error}` });
    } else if (typeof answer.body.invoiceNo !== 'string' || answer.body.invoiceNo === '') {
      out.results.set(orderId, { kind: 'retry', error: `invoice service answered ${request.key} without an invoiceNo` });
    } else {
      out.issued.push({ orderId, kind: request.kind, shop: request.shop, invoiceNo: answer.body.invoiceNo, title: request.title, taxNo: request.taxNo, amountFen: request.amountFen });
      if (request.kind === 'blue') out.settled.push(orderId);
      out.results.set(orderId, { kind: 'moved' });
    }
  }
  return out;
}
