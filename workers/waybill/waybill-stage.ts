import { createHash } from 'node:crypto';
import { recordWaybills, shipmentsOf } from '../../sql/queries/waybills.ts';
import type { Address } from '../../streams/canonical-order.ts';
import { idempotentPost, type BatchItem, type PostResult } from '../idempotent-post.ts';
import { CallHeldError, ServiceUnavailableError } from '../circuit/service-breaker.ts';
import { breakerFor } from '../circuit/breaker-for.ts';
import { postBatchOrThrow } from '../circuit/post-batch-or-throw.ts';
import { stageSignal } from '../stage-signal.ts';
import { orderStepStage } from '../order-step.ts';
import { processPiiKeyring } from '../../streams/pii/keyring.ts';
import type { StageContext } from '../stage.ts';
import { carrierAddress } from './carrier-address.ts';
import { carrierFor, carrierUrlOf } from './carrier-for.ts';
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


/** Every carrier API this process may call, each once, with the name its breaker goes by. */
function carrierApis(ctx: StageContext): { url: string; service: string }[] {
  return [{ url: ctx.settings.carrierUrl, service: 'carrier' }, ...Object.entries(ctx.settings.carrierUrls).map(([code, url]) => ({ url, service: `carrier_${code}` }))];
}

/**
 * One batch call to one carrier's API through its circuit breaker; a carrier that failed as a
 * whole (or a call let go at shutdown) leaves each of its items transient, for a retry.
 */
async function askCarrier(api: { url: string; service: string }, items: readonly BatchItem[], ctx: StageContext): Promise<Map<string, PostResult>> {
  try {
    // While the carrier is down the breaker holds this call (and so this batch's messages, which
    // spend no delivery attempts) until a probe gets through; meanwhile the runner pulls no more.
    return await breakerFor(api.service, api.url, ctx.log).call(() => postBatchOrThrow(`${api.url}/waybills/batch`, items, CARRIER_BATCH_LIMIT), stageSignal(ctx));
  } catch (error) {
    if (!(error instanceof ServiceUnavailableError || error instanceof CallHeldError)) throw error;
    return new Map(items.map((item) => [item.key, { kind: 'transient', error: error.message }]));
  }
}

/**
 * waybill: asks each shipment's carrier (the first of its warehouse's carriers, at that
 * carrier's own API or the default one, `carrier-for.ts`) for an e-waybill number, with the
 * shipment and its address as the idempotency key, so a retried request returns the same number
 * instead of a second waybill. One visible sequence of effects: read the shipments, one batch
 * call per carrier API (up to 100 shipments a call) through that carrier's circuit breaker
 * (retries with jittered backoff; while open, the batch waits for a probe instead of failing, and
 * the stage pulls nothing more), decide (pure), write in one transaction, void any number won for
 * an order cancelled meanwhile, and ask again for an order readdressed meanwhile. The carrier gets
 * the buyer's full contact, opened from its sealed form only for the call.
 */
export const waybillStage = orderStepStage({
  stage: 'waybill',
  readyToPull: async (ctx, signal) => {
    for (const api of carrierApis(ctx)) await breakerFor(api.service, api.url, ctx.log).whenClosed(signal);
  },
  async apply(ids, ctx) {
    const shipments = await shipmentsOf(ctx.db, ids);
    // A merged shipment is asked for once; its key is the shipment id either way.
    const unnumbered = new Map(shipments.filter((s) => s.waybillNo === null).map((s) => [s.shipmentId, s]));
    const byApi = new Map<string, { api: { url: string; service: string }; items: (BatchItem & { body: { shipmentId: string } })[] }>();
    for (const s of unnumbered.values()) {
      const carrier = carrierFor(s.carriers, ctx.settings.carrierUrls, ctx.settings.carrierUrl);
      const group = byApi.get(carrier.url) ?? { api: carrier, items: [] };
      group.items.push({
        key: waybillKey(s.shipmentId, s.address),
        body: { shipmentId: s.shipmentId, orderId: s.orderId, warehouse: s.warehouse, carrier: carrier.code, address: carrierAddress(s.address, processPiiKeyring()) },
      });
      byApi.set(carrier.url, group);
    }
    const answers = new Map<string, PostResult>();
    for (const answered of await Promise.all([...byApi.values()].map((g) => askCarrier(g.api, g.items, ctx)))) for (const [k, v] of answered) answers.set(k, v);
    const keyOf = new Map([...byApi.values()].flatMap((g) => g.items.map((i) => [i.body.shipmentId, i.key] as const)));
    const { results, issued, rejected } = decideWaybills(ids, shipments, (shipmentId) => answers.get(keyOf.get(shipmentId) ?? shipmentId));
    const moving = ids.filter((id) => results.get(id)?.kind === 'moved');
    const recorded = await recordWaybills(ctx.db, moving, issued, rejected, new Map(shipments.map((s) => [s.orderId, s.address])));
    for (const id of recorded.gone) results.set(id, { kind: 'skipped' });
    // Its number was asked for the old address: asked again for the new one (a new key), the old voided below.
    for (const id of recorded.readdressed) results.set(id, { kind: 'retry', error: 'the address changed while the carrier was answering: a waybill for the new address follows' });
    for (const id of rejected.keys()) results.set(id, { kind: 'exception' });
    for (const v of recorded.toVoid) {
      const url = carrierUrlOf(v.carrier, ctx.settings.carrierUrls, ctx.settings.carrierUrl);
      const answer = await idempotentPost(`${url}/waybills/${encodeURIComponent(v.waybillNo)}/cancel`, `cancel:${v.waybillNo}`, { shipmentId: v.shipmentId });
      if (answer.kind !== 'ok') ctx.log(`waybill: could not void ${v.waybillNo} of shipment ${v.shipmentId}: ${answer.error}`);
    }
    return results;
  },
});
