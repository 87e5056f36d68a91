import { orderStepStage } from '../order-step.ts';
import { stageSignal } from '../stage-signal.ts';
import { invoiceBreaker, requestInvoices } from './request-invoices.ts';

/**
 * invoice: requests the electronic invoice (电子发票) of each notified order from the invoice
 * service, once per order (key `ORDER:blue`, one `invoices` row per order and kind), made out to
 * the invoice title and tax number the order asked for (the canonical order's `invoice`), else an individual's.
 *
 * Where it sits: a side step after notify, so every order it sees has been paid and waybilled.
 * A shop invoicing once `paid` is invoiced here (an order is paid long before it is notified; a
 * step before routing would put an outside call in the core path, which peak mode may not defer).
 * A shop invoicing once `shipped`, and any cash-on-delivery order, is invoiced when every parcel
 * has left the warehouse (the WMS's confirm-shipped feed): here if that has happened, else the
 * order is remembered and the invoice sweep (`invoice-sweep.ts`) asks once it has. The sweep also
 * asks for the red-letter reversal (冲红) of a fully refunded order, once (key `ORDER:red`).
 *
 * Deferrable: in peak mode it waits in the deferred stream (and the sweep pauses), and runs after.
 * The service sits behind a circuit breaker: during its outage the batch waits and the stage
 * pulls nothing more.
 */
export const invoiceStage = orderStepStage({
  stage: 'invoice',
  readyToPull: (ctx, signal) => invoiceBreaker(ctx).whenClosed(signal),
  async apply(ids, ctx) {
    const { results } = await requestInvoices(ids, ctx, stageSignal(ctx));
    return results;
  },
});
