import { invoiceFacts, recordInvoiceRound } from '../../sql/queries/invoices.ts';
import { breakerFor } from '../circuit/breaker-for.ts';
import { postBatchOrThrow } from '../circuit/post-batch-or-throw.ts';
import { CallHeldError, ServiceUnavailableError } from '../circuit/service-breaker.ts';
import type { BatchItem, PostResult } from '../idempotent-post.ts';
import type { StageContext } from '../stage.ts';
import { decideInvoice, decideInvoiceOutcome, type InvoiceAction, type InvoiceOutcome } from './decide-invoices.ts';

/** Invoices per call: batch e-invoice APIs commonly take up to 100. */
const INVOICE_BATCH_LIMIT = 100;

/** The invoice service's circuit breaker in this process (one per URL). */
export function invoiceBreaker(ctx: Pick<StageContext, 'settings' | 'log'>) {
  return breakerFor('invoice', ctx.settings.invoiceUrl, ctx.log);
}

/**
 * One round of invoicing for `ids`, the one visible sequence of the step and of its sweep: read
 * the facts, decide each order (`decideInvoice`), ask the invoice service for what is due in
 * batches (each item under its key `ORDER:blue` / `ORDER:red`, through the service's circuit
 * breaker, so a retried round never issues twice), decide what the answers mean, and record the
 * issued invoices and the orders waiting for their shipment in one transaction.
 */
export async function requestInvoices(ids: readonly string[], ctx: Pick<StageContext, 'db' | 'settings' | 'log'>, signal: AbortSignal): Promise<InvoiceOutcome> {
  const facts = await invoiceFacts(ctx.db, ids);
  const actions = new Map<string, InvoiceAction>(facts.map((f) => [f.orderId, decideInvoice(f)]));
  const items: BatchItem[] = [];
  for (const action of actions.values()) {
    if (action.kind !== 'request') continue;
    const { key, shop: _shop, ...body } = action.request;
    items.push({ key, body });
  }
  const answers = items.length === 0 ? new Map<string, PostResult>() : await callInvoiceService(items, ctx, signal);
  const outcome = decideInvoiceOutcome(actions, (key) => answers.get(key));
  await recordInvoiceRound(ctx.db, outcome);
  return outcome;
}

/** One batch call through the breaker; a service down as a whole, or a call let go at shutdown, leaves every item transient. */
async function callInvoiceService(items: readonly BatchItem[], ctx: Pick<StageContext, 'settings' | 'log'>, signal: AbortSignal): Promise<Map<string, PostResult>> {
  try {
    return await invoiceBreaker(ctx).call(() => postBatchOrThrow(`${ctx.settings.invoiceUrl}/invoices/batch`, items, INVOICE_BATCH_LIMIT), signal);
  } catch (error) {
    if (!(error instanceof ServiceUnavailableError || error instanceof CallHeldError)) throw error;
    return new Map(items.map((item) => [item.key, { kind: 'transient', error: error.message }]));
  }
}
