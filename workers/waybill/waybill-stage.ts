import { createHash } from 'node:crypto';
import { recordWaybills, shipmentsOf } from '../../sql/queries/waybills.ts';
import type { Address } from '../../streams/canonical-order.ts';
import { idempotentPost, type BatchItem, type PostResult } from '../idempotent-post.ts';
import { ServiceUnavailableError } from '../circuit/service-breaker.ts';
import { breakerFor } from '../circuit/breaker-for.ts';
import { postBatchOrThrow } from '../circuit/post-batch-or-throw.ts';
import { sleep } from '../sleep.ts';
import { orderStepStage } from '../order-step.ts';
import { processPiiKeyring } from '../../streams/pii/keyring.ts';
import type { StageContext } from '../stage.ts';
import { carrierAddress } from './carrier-address.ts';
import { carrierChoices, carrierUrlOf, refusedByCarrierOnly, type CarrierChoice } from './carrier-for.ts';
import { decideWaybills } from './decide-waybills.ts';

/**
 * The carrier's idempotency key of a shipment's waybill: the shipment and the address it goes to,
 * so a retried request gets the same number and a changed address a new one.
 */
export function waybillKey(shipmentId: string, address: Address, fallbackCarrier?: string): string {
  const key = `${shipmentId}@${createHash('sha256').update(JSON.stringify(address)).digest('hex').slice(0, 16)}`;
  // A carrier after the first (the first refused the parcel) has a key of its own; the first's
  // stays as it always was, so a shipment asked before fallback existed keeps its number.
  return fallbackCarrier === undefined ? key : `${key}@${fallbackCarrier}`;
}

/** Shipments per carrier call: e-waybill batch APIs take 10-100; we model 100. */
const CARRIER_BATCH_LIMIT = 100;


/** Every carrier API this process may call, each once, with the name its breaker goes by. */
function carrierApis(ctx: StageContext): { url: string; service: string }[] {
  return [{ url: ctx.settings.carrierUrl, service: 'carrier' }, ...Object.entries(ctx.settings.carrierUrls).map(([code, url]) => ({ url, service: `carrier_${code}` }))];
}

/** What one carrier API made of a batch: its answers, or held by its open breaker for this long. */
type CarrierReply = { kind: 'answered'; answers: Map<string, PostResult> } | { kind: 'held'; retryInMs: number };

/**
 * One batch call to one carrier's API through its circuit breaker, which never waits: while the
 * carrier is down (its breaker open) the call is not made and the reply says how long until the
 * breaker's next probe. A carrier that failed as a whole with its breaker still closed leaves
 * each of its items transient, for a retry.
 */
async function askCarrier(api: { url: string; service: string }, items: readonly BatchItem[], ctx: StageContext): Promise<CarrierReply> {
  try {
    const reply = await breakerFor(api.service, api.url, ctx.log).attempt(() => postBatchOrThrow(`${api.url}/waybills/batch`, items, CARRIER_BATCH_LIMIT));
    return reply.kind === 'held' ? { kind: 'held', retryInMs: waitJitter(reply.retryInMs) } : { kind: 'answered', answers: reply.value };
  } catch (error) {
    if (!(error instanceof ServiceUnavailableError)) throw error;
    return { kind: 'answered', answers: new Map(items.map((item) => [item.key, { kind: 'transient', error: error.message }])) };
  }
}

/**
 * How long a message of a held carrier waits: until the breaker's probe, at least a quarter of a
 * second, plus up to half as long again, so the orders of a long outage come back spread out
 * rather than all at the moment of each probe.
 */
function waitJitter(retryInMs: number): number {
  const base = Math.max(250, retryInMs);
  return Math.round(base + Math.random() * Math.min(5000, base / 2));
}

/**
 * waybill: asks each shipment's carrier (the first of its warehouse's carriers, at that
 * carrier's own API or the default one, `carrier-for.ts`; the next one where a carrier refuses
 * the parcel as outside its service area) for an e-waybill number, with the
 * shipment and its address as the idempotency key, so a retried request returns the same number
 * instead of a second waybill. One visible sequence of effects: read the shipments, one batch
 * call per carrier API (up to 100 shipments a call) through that carrier's circuit breaker
 * (retries with jittered backoff; while it is open its orders are handed back to wait until its
 * next probe without spending a delivery attempt, other carriers' orders go on, and with every
 * carrier down the stage pulls nothing until a probe is due), decide (pure), write in one
 * transaction, void any number won for an order cancelled meanwhile, and ask again for an order
 * readdressed meanwhile. The carrier gets the buyer's full contact, opened from its sealed form
 * only for the call. A carrier whose breaker is open is not replaced by the next one: a call to
 * it that timed out may have issued a number, and nothing here could void it.
 */
export const waybillStage = orderStepStage({
  stage: 'waybill',
  // Pulls while any carrier could be called (its breaker closed, or its probe due): with every
  // carrier down the messages stay in the stream; with one down the others' orders go on and
  // the down carrier's are handed back to wait (`wait`: no delivery attempt spent).
  readyToPull: async (ctx, signal) => {
    const breakers = carrierApis(ctx).map((api) => breakerFor(api.service, api.url, ctx.log));
    while (!signal.aborted && !breakers.some((b) => b.usable())) await sleep(100, signal);
  },
  async apply(ids, ctx) {
    const shipments = await shipmentsOf(ctx.db, ids);
    // A merged shipment is asked for once; its key is the shipment id either way.
    const unnumbered = new Map(shipments.filter((s) => s.waybillNo === null).map((s) => [s.shipmentId, s]));
    const keyring = processPiiKeyring();
    /** Each shipment's answer, from the last carrier asked. */
    const answers = new Map<string, PostResult>();
    /** Shipments whose carrier's breaker held the call, and how long until its probe. */
    const held = new Map<string, number>();
    // Round by round: each shipment asks its warehouse's first carrier; one that carrier refuses
    // as outside its service area asks the next, under a key of that carrier's own.
    let asking = [...unnumbered.values()].map((s) => ({ shipment: s, choices: carrierChoices(s.carriers, ctx.settings.carrierUrls, ctx.settings.carrierUrl), at: 0 }));
    while (asking.length > 0) {
      const byApi = new Map<string, { api: CarrierChoice; items: BatchItem[]; asks: typeof asking }>();
      for (const ask of asking) {
        const carrier = ask.choices[ask.at]!;
        const s = ask.shipment;
        const group = byApi.get(carrier.url) ?? { api: carrier, items: [], asks: [] };
        group.items.push({
          key: waybillKey(s.shipmentId, s.address, ask.at === 0 ? undefined : carrier.code),
          body: { shipmentId: s.shipmentId, orderId: s.orderId, warehouse: s.warehouse, carrier: carrier.code, address: carrierAddress(s.address, keyring) },
        });
        group.asks.push(ask);
        byApi.set(carrier.url, group);
      }
      const groups = [...byApi.values()];
      const replies = await Promise.all(groups.map((g) => askCarrier(g.api, g.items, ctx)));
      const next: typeof asking = [];
      replies.forEach((reply, i) => {
        const group = groups[i]!;
        group.asks.forEach((ask, j) => {
          const id = ask.shipment.shipmentId;
          if (reply.kind === 'held') return void held.set(id, reply.retryInMs);
          const answer = reply.answers.get(group.items[j]!.key);
          if (answer?.kind === 'rejected' && refusedByCarrierOnly(answer.error) && ask.at + 1 < ask.choices.length) return void next.push({ ...ask, at: ask.at + 1 });
          // The number is recorded under the carrier asked, should its API not say which it is.
          const code = ask.choices[ask.at]!.code;
          if (answer) answers.set(id, answer.kind === 'ok' && typeof answer.body.carrier !== 'string' ? { ...answer, body: { ...answer.body, carrier: code } } : answer);
        });
      });
      asking = next;
    }
    const { results, issued, rejected } = decideWaybills(
      ids,
      shipments,
      (shipmentId) => answers.get(shipmentId),
      (shipmentId) => held.get(shipmentId),
    );
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
