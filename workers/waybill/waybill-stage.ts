import { recordWaybills, shipmentsOf } from '../../sql/queries/waybills.ts';
import { idempotentPost, idempotentPostBatch } from '../idempotent-post.ts';
import { orderStepStage } from '../order-step.ts';
import { processPiiKeyring } from '../../streams/pii/keyring.ts';
import { carrierAddress } from './carrier-address.ts';
import { decideWaybills } from './decide-waybills.ts';

/** Shipments per carrier call: e-waybill batch APIs take 10-100; we model 100. */
const CARRIER_BATCH_LIMIT = 100;

/**
 * waybill: asks the carrier for an e-waybill number per shipment, with the shipment id as the
 * idempotency key, so a retried request returns the same number instead of a second waybill.
 * One visible sequence of effects: read the shipments, one batch call to the carrier (up to 100
 * shipments a call), decide (pure), write in one transaction, void any number won for an order
 * cancelled meanwhile. The carrier gets the buyer's full contact, opened from its sealed form only
 * for the call.
 */
export const waybillStage = orderStepStage({
  stage: 'waybill',
  async apply(ids, ctx) {
    const shipments = await shipmentsOf(ctx.db, ids);
    // A merged shipment is asked for once; its key is the shipment id either way.
    const unnumbered = new Map(shipments.filter((s) => s.waybillNo === null).map((s) => [s.shipmentId, s]));
    const answers = await idempotentPostBatch(
      `${ctx.settings.carrierUrl}/waybills/batch`,
      [...unnumbered.values()].map((s) => ({
        key: s.shipmentId,
        body: { shipmentId: s.shipmentId, orderId: s.orderId, warehouse: s.warehouse, address: carrierAddress(s.address, processPiiKeyring()) },
      })),
      CARRIER_BATCH_LIMIT,
    );
    const { results, issued, rejected } = decideWaybills(ids, shipments, (shipmentId) => answers.get(shipmentId));
    const moving = ids.filter((id) => results.get(id)?.kind === 'moved');
    const recorded = await recordWaybills(ctx.db, moving, issued, rejected);
    for (const id of recorded.gone) results.set(id, { kind: 'skipped' });
    for (const id of rejected.keys()) results.set(id, { kind: 'exception' });
    for (const v of recorded.toVoid) {
      const answer = await idempotentPost(`${ctx.settings.carrierUrl}/waybills/${encodeURIComponent(v.waybillNo)}/cancel`, `cancel:${v.shipmentId}`, { shipmentId: v.shipmentId });
      if (answer.kind !== 'ok') ctx.log(`waybill: could not void ${v.waybillNo} of cancelled shipment ${v.shipmentId}: ${answer.error}`);
    }
    return results;
  },
});
