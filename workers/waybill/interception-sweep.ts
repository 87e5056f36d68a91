import { recordInterception, requestedInterceptions } from '../../sql/queries/waybills.ts';
import type { Db } from '../../sql/database.ts';
import { idempotentPost } from '../idempotent-post.ts';
import { carrierUrlOf } from './carrier-for.ts';
import { startSweepLoop } from '../sweep-loop.ts';

export interface InterceptionSweepOptions {
  db: Db;
  /** The default e-waybill API, and those of carriers with their own: a number is voided where it was issued. */
  carrierUrl: string;
  carrierUrls: Readonly<Record<string, string>>;
  log: (line: string) => void;
  /** How often requested interceptions are looked for. */
  intervalMs?: number;
}

/** Parcels voided per round at most. */
const BATCH = 100;

/**
 * Has the carrier void the waybills of parcels whose orders were cancelled after their waybill
 * (dedupe marks them `requested`, in the same transaction as the cancel). The request waits in
 * Postgres, so a failed call or a crash only delays it: the next round asks again, with the
 * waybill number as the idempotency key. A refusal (the courier has the parcel) becomes an
 * operator's `cancel_after_waybill` exception.
 */
export function startInterceptionSweep(opts: InterceptionSweepOptions): { stop(): Promise<void> } {
  return startSweepLoop('interception', opts.intervalMs ?? 2000, opts.log, async (signal) => {
    for (const request of await requestedInterceptions(opts.db, BATCH)) {
      if (signal.aborted) break;
      const url = carrierUrlOf(request.carrier, opts.carrierUrls, opts.carrierUrl);
      const answer = await idempotentPost(`${url}/waybills/${encodeURIComponent(request.waybillNo)}/cancel`, `cancel:${request.waybillNo}`, { shipmentId: request.shipmentId });
      if (answer.kind === 'transient') {
        opts.log(`interception: could not reach the carrier to void ${request.waybillNo}: ${answer.error}; trying again`);
        break;
      }
      await recordInterception(opts.db, request, answer.kind === 'ok' ? { kind: 'voided' } : { kind: 'refused', reason: answer.error });
      if (answer.kind === 'rejected') opts.log(`interception: the carrier would not void ${request.waybillNo}: ${answer.error}; an operator's exception now`);
    }
  });
}
