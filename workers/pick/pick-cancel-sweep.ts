import type { Db } from '../../sql/database.ts';
import { recordPickCancel, requestedPickCancels } from '../../sql/queries/picks.ts';
import { idempotentPost } from '../idempotent-post.ts';
import { startSweepLoop } from '../sweep-loop.ts';

export interface PickCancelSweepOptions {
  db: Db;
  wmsUrl: string;
  log: (line: string) => void;
  /** How often requested cancels are looked for. */
  intervalMs?: number;
}

/** Pick tasks cancelled per round at most. */
const BATCH = 100;

/**
 * Has the WMS cancel the pick tasks of parcels whose orders were cancelled after their pick
 * instruction (dedupe marks them `cancel_requested` in the cancel's transaction; the pick stage
 * does for a task it won for an order cancelled meanwhile). The request waits in Postgres, so a
 * failed call or a crash only delays it: the next round asks again, under the idempotency key
 * `SHIPMENT:cancel-pick`. A refusal (the parcel had left the warehouse) becomes an operator's
 * `cancel_after_pick` exception.
 */
export function startPickCancelSweep(opts: PickCancelSweepOptions): { stop(): Promise<void> } {
  return startSweepLoop('pick sweep', opts.intervalMs ?? 1000, opts.log, async (signal) => {
    for (const request of await requestedPickCancels(opts.db, BATCH)) {
      if (signal.aborted) break;
      const answer = await idempotentPost(`${opts.wmsUrl}/pick-tasks/${encodeURIComponent(request.taskId)}/cancel`, `${request.shipmentId}:cancel-pick`, { shipmentId: request.shipmentId });
      if (answer.kind === 'transient') {
        opts.log(`pick sweep: could not reach the WMS to cancel ${request.taskId}: ${answer.error}; trying again`);
        break;
      }
      await recordPickCancel(opts.db, request, answer.kind === 'ok' ? { kind: 'cancelled' } : { kind: 'refused', reason: answer.error });
      if (answer.kind === 'rejected') opts.log(`pick sweep: the WMS would not cancel ${request.taskId}: ${answer.error}; an operator's exception now`);
    }
  });
}
