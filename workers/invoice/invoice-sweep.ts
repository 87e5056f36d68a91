import type { Db } from '../../sql/database.ts';
import { invoiceSweepCandidates } from '../../sql/queries/invoices.ts';
import type { PeakView } from '../peak/peak-guard.ts';
import type { StageSettings } from '../stage.ts';
import { requestInvoices } from './request-invoices.ts';
import { startSweepLoop } from '../sweep-loop.ts';

export interface InvoiceSweepOptions {
  db: Db;
  settings: StageSettings;
  peak: PeakView;
  log: (line: string) => void;
  /** How often due invoices are looked for (default 5 s). */
  intervalMs?: number;
}

/** Orders looked at per round, per kind of candidate. */
const BATCH = 200;

/**
 * The invoice step's own sweep, run by every invoice worker process: asks for the blue invoice of
 * orders that waited for their parcel to leave the warehouse (shops invoicing once `shipped`,
 * cash on delivery), and the red-letter reversal (冲红) of orders refunded in full after they
 * were invoiced, whichever way the refund came (a platform update, an after-sales ticket). It
 * decides and records exactly as the step does (`requestInvoices`), so the same keys hold: two
 * processes sweeping at once, or a sweep racing the step, ask the service under the same
 * idempotency key and keep one row. Deferrable like the step: it pauses while peak mode is on.
 * A refusal (4xx) is logged once per process and asked again on the next start.
 */
export function startInvoiceSweep(opts: InvoiceSweepOptions): { stop(): Promise<void> } {
  const refused = new Set<string>();
  return startSweepLoop('invoice sweep', opts.intervalMs ?? 5000, opts.log, async (signal) => {
    if (opts.peak.active()) return;
    const ids = (await invoiceSweepCandidates(opts.db, BATCH)).filter((id) => !refused.has(id));
    if (ids.length === 0) return;
    const { results } = await requestInvoices(ids, { db: opts.db, settings: opts.settings, log: opts.log }, signal);
    const failed = [...results].filter(([, r]) => r.kind === 'retry' || r.kind === 'dead');
    for (const [orderId, result] of failed) {
      if (result.kind === 'dead') refused.add(orderId);
      if (result.kind === 'dead' || failed.length <= 3) opts.log(`invoice sweep: ${orderId}: ${'error' in result ? result.error : result.kind}`);
    }
    if (failed.length > 3) opts.log(`invoice sweep: ${failed.length} orders not invoiced this round; trying again`);
  });
}
