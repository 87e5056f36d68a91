import { recordPicks, shipmentsToPick, type ShipmentToPick } from '../../sql/queries/picks.ts';
import { breakerFor } from '../circuit/breaker-for.ts';
import { postBatchOrThrow } from '../circuit/post-batch-or-throw.ts';
import { CallHeldError, ServiceUnavailableError } from '../circuit/service-breaker.ts';
import type { BatchItem, PostResult } from '../idempotent-post.ts';
import { orderStepStage } from '../order-step.ts';
import { stageSignal } from '../stage-signal.ts';
import { decidePicks } from './decide-picks.ts';

/** The WMS's idempotency key of a shipment's pick task: the shipment and the action. */
export function pickKey(shipmentId: string): string {
  return `${shipmentId}:pick`;
}

/** Pick tasks per WMS call. */
const WMS_BATCH_LIMIT = 100;

/** The pick request of each shipment not yet picked (a merged shipment once). */
function pickItems(shipments: readonly ShipmentToPick[]): BatchItem[] {
  const unpicked = new Map(shipments.filter((s) => s.pickTaskId === null).map((s) => [s.shipmentId, s]));
  return [...unpicked.values()].map((s) => ({ key: pickKey(s.shipmentId), body: { shipmentId: s.shipmentId, warehouse: s.warehouse, orderIds: s.members, lines: s.lines } }));
}

/**
 * pick: pushes a pick instruction per shipment to the WMS, before the e-waybill is asked for. One
 * visible sequence of effects: read the shipments and their pick lists, one batch call to the
 * WMS (each shipment under the key `SHIPMENT:pick`, so a retry opens no second task) through the
 * WMS's circuit breaker (retries with jittered backoff; while open the batch waits and the stage
 * pulls nothing more), decide (pure), write in one transaction. A task opened for an order
 * cancelled meanwhile is marked for the pick sweep to cancel.
 */
export const pickStage = orderStepStage({
  stage: 'pick',
  readyToPull: (ctx, signal) => breakerFor('wms', ctx.settings.wmsUrl, ctx.log).whenClosed(signal),
  async apply(ids, ctx) {
    const shipments = await shipmentsToPick(ctx.db, ids);
    const items = pickItems(shipments);
    let answers: Map<string, PostResult>;
    try {
      answers = items.length === 0 ? new Map() : await breakerFor('wms', ctx.settings.wmsUrl, ctx.log).call(() => postBatchOrThrow(`${ctx.settings.wmsUrl}/pick-tasks/batch`, items, WMS_BATCH_LIMIT), stageSignal(ctx));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError || error instanceof CallHeldError)) throw error;
      return new Map(ids.map((id) => [id, { kind: 'retry', error: error.message }]));
    }
    const { results, opened, rejected } = decidePicks(ids, shipments, (shipmentId) => answers.get(pickKey(shipmentId)));
    const moving = ids.filter((id) => results.get(id)?.kind === 'moved');
    const recorded = await recordPicks(ctx.db, moving, opened, rejected);
    for (const id of recorded.gone) results.set(id, { kind: 'skipped' });
    for (const id of rejected.keys()) results.set(id, { kind: 'exception' });
    if (recorded.toCancel.length > 0) ctx.log(`pick: ${recorded.toCancel.length} pick task(s) opened for orders cancelled meanwhile; the pick sweep cancels them`);
    return results;
  },
});
