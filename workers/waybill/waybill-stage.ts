import { createHash } from 'node:crypto';
import { recordWaybills, shipmentsOf } from '../../sql/queries/waybills.ts';
import type { Address } from '../../streams/canonical-order.ts';
import { idempotentPost, type PostResult } from '../idempotent-post.ts';
import { CallHeldError, ServiceUnavailableError } from '../circuit/service-breaker.ts';
import { breakerFor } from '../circuit/breaker-for.ts';
import { postBatchOrThrow } from '../circuit/post-batch-or-throw.ts';
import { stageSignal } from '../stage-signal.ts';
import { orderStepStage } from '../order-step.ts';
import { processPiiKeyring } from '../../streams/pii/keyring.ts';
import { carrierAddress } from './carrier-address.ts';
import { decideWaybills } from './decide-waybills.ts';

/**
 * The carrier's idempotency key of a shipment's waybill: the shipment and the address it goes to,
 * so a retried request gets the same number and a changed address a new one.
 */
export function waybillKey(shipmentId: string, address: Address): string {
  return `${shipmentId}@${createHash('sha256').update(JSON.stringify(address)).digest('hex').slice(0, 16)}`;
}

/** Shipments per carrier call: e-waybill batch APIs take 10-100; we model 100. */
const CARRIER_BATCH_LIMIT = 100;


/**
 * waybill: asks the carrier for an e-waybill number per shipment, with the shipment id as the
 * idempotency key, so a retried request returns the same number instead of a second waybill.
 * One visible sequence of effects: read the shipments, one batch call to the carrier (up to 100
 * shipments a call), decide (pure), write in one transaction, void any number won for an order
 * cancelled meanwhile, and ask again for an order readdressed meanwhile. The carrier call goes through the carrier's circuit breaker (retries with
 * jittered backoff; while open, the batch waits for a probe instead of failing). The carrier gets the buyer's full contact, opened from its sealed form only
 * for the call.
 */
export const waybillStage = orderStepStage({
  stage: 'waybill',
  // While the carrier's breaker is open the stage pulls nothing: its messages wait in the stream.
  readyToPull: (ctx, signal) => breakerFor('carrier', ctx.settings.carrierUrl, ctx.log).whenClosed(signal),
  async apply(ids, ctx) {
    const shipments = await shipmentsOf(ctx.db, ids);
    // A merged shipment is asked for once; its key is the shipment id either way.
    const unnumbered = new Map(shipments.filter((s) => s.waybillNo === null).map((s) => [s.shipmentId, s]));
    const items = [...unnumbered.values()].map((s) => ({
      key: waybillKey(s.shipmentId, s.address),
      body: { shipmentId: s.shipmentId, orderId: s.orderId, warehouse: s.warehouse, address: carrierAddress(s.address, processPiiKeyring()) },
    }));
    let answers: Map<string, PostResult>;
    try {
      // While the carrier is down the breaker holds this call (and so this batch's messages, which
      // spend no delivery attempts) until a probe gets through; meanwhile the runner pulls no more.
      answers = items.length === 0 ? new Map() : await breakerFor('carrier', ctx.settings.carrierUrl, ctx.log).call(() => postBatchOrThrow(`${ctx.settings.carrierUrl}/waybills/batch`, items, CARRIER_BATCH_LIMIT), stageSignal(ctx));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError || error instanceof CallHeldError)) throw error;
      return new Map(ids.map((id) => [id, { kind: 'retry', error: error.message }]));
    }
    const keyOf = new Map(items.map((i) => [i.body.shipmentId, i.key]));
    const { results, issued, rejected } = decideWaybills(ids, shipments, (shipmentId) => answers.get(keyOf.get(shipmentId) ?? shipmentId));
    const moving = ids.filter((id) => results.get(id)?.kind === 'moved');
    const recorded = await recordWaybills(ctx.db, moving, issued, rejected, new Map(shipments.map((s) => [s.orderId, s.address])));
    for (const id of recorded.gone) results.set(id, { kind: 'skipped' });
    // Its number was asked for the old address: asked again for the new one (a new key), the old voided below.
    for (const id of recorded.readdressed) results.set(id, { kind: 'retry', error: 'the address changed while the carrier was answering: a waybill for the new address follows' });
    for (const id of rejected.keys()) results.set(id, { kind: 'exception' });
    for (const v of recorded.toVoid) {
      const answer = await idempotentPost(`${ctx.settings.carrierUrl}/waybills/${encodeURIComponent(v.waybillNo)}/cancel`, `cancel:${v.waybillNo}`, { shipmentId: v.shipmentId });
      if (answer.kind !== 'ok') ctx.log(`waybill: could not void ${v.waybillNo} of shipment ${v.shipmentId}: ${answer.error}`);
    }
    return results;
  },
});
