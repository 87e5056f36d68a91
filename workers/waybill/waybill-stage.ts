import { sql } from 'kysely';
import { recordEvents, transition } from '../../sql/queries/orders.ts';
import { idempotentPost, idempotentPostBatch } from '../idempotent-post.ts';
import { orderStepStage, type StepResult } from '../order-step.ts';

/** Shipments per carrier call: e-waybill batch APIs take 10-100; we model 100. */
const CARRIER_BATCH_LIMIT = 100;

interface Issued {
  orderId: string;
  shipmentId: string;
  waybillNo: string;
  carrier: string;
}

/**
 * waybill: asks the carrier for an e-waybill number per shipment, with the shipment id as the
 * idempotency key, so a retried request returns the same number instead of a second waybill.
 * A batch of orders is one batch call to the carrier (up to 100 shipments a call); the numbers
 * are written in one transaction per batch.
 */
export const waybillStage = orderStepStage({
  stage: 'waybill',
  async apply(ids, ctx) {
    const results = new Map<string, StepResult>();
    const shipments = await ctx.db
      .selectFrom('shipment_orders')
      .innerJoin('shipments', 'shipments.id', 'shipment_orders.shipment_id')
      .innerJoin('orders', 'orders.id', 'shipment_orders.order_id')
      .select(['shipments.id', 'shipment_orders.order_id', 'shipments.warehouse', 'shipments.waybill_no', 'orders.address'])
      .where('shipment_orders.order_id', 'in', ids)
      .execute();
    const issued: Issued[] = [];
    const rejected = new Map<string, string>();
    const unnumbered = shipments.filter((s) => s.waybill_no === null);
    const answers = await idempotentPostBatch(
      `${ctx.settings.carrierUrl}/waybills/batch`,
      // A merged shipment is asked for once; its key is the shipment id either way.
      [...new Map(unnumbered.map((s) => [s.id, s])).values()].map((s) => ({
        key: s.id,
        body: { shipmentId: s.id, orderId: s.order_id, warehouse: s.warehouse, address: s.address },
      })),
      CARRIER_BATCH_LIMIT,
    );
    for (const orderId of ids) {
      const own = shipments.filter((s) => s.order_id === orderId);
      if (own.length === 0) {
        results.set(orderId, { kind: 'dead', error: `orderId: routed order ${orderId} has no shipment` });
        continue;
      }
      results.set(orderId, { kind: 'moved' });
      for (const shipment of own.filter((s) => s.waybill_no === null)) {
        const answer = answers.get(shipment.id) ?? { kind: 'transient', error: `carrier gave no answer for ${shipment.id}` };
        if (answer.kind === 'transient') {
          results.set(orderId, { kind: 'retry', error: answer.error });
          break;
        }
        if (answer.kind === 'rejected') {
          rejected.set(orderId, answer.error);
          results.delete(orderId);
          break;
        }
        const waybillNo = answer.body.waybillNo;
        if (typeof waybillNo !== 'string') {
          results.set(orderId, { kind: 'retry', error: 'carrier answer has no waybillNo' });
          break;
        }
        issued.push({ orderId, shipmentId: shipment.id, waybillNo, carrier: String(answer.body.carrier ?? '') });
      }
    }
    const moving = ids.filter((id) => results.get(id)?.kind === 'moved');
    const voided = await ctx.db.transaction().execute(async (trx) => {
      // Lock first: an order cancelled while its carrier call was out must not get the waybill.
      const stillRouted = new Set(
        moving.length === 0
          ? []
          : (await trx.selectFrom('orders').select('id').where('id', 'in', moving).where('status', '=', 'routed').orderBy('id').forUpdate().execute()).map((r) => r.id),
      );
      const keep = issued.filter((i) => stillRouted.has(i.orderId));
      if (keep.length > 0) {
        await sql`
          update shipments s set waybill_no = v.waybill_no, carrier = v.carrier, waybilled_at = now()
          from unnest(${keep.map((i) => i.shipmentId)}::text[], ${keep.map((i) => i.waybillNo)}::text[], ${keep.map((i) => i.carrier)}::text[])
            as v(id, waybill_no, carrier)
          where s.id = v.id and s.waybill_no is null`.execute(trx);
      }
      const moved = await transition(trx, [...stillRouted], 'routed', 'waybilled');
      await recordEvents(trx, [...moved].map((orderId) => ({ orderId, key: 'waybilled', type: 'waybilled' })));
      for (const id of moving.filter((m) => !stillRouted.has(m))) results.set(id, { kind: 'skipped' });
      for (const [orderId, detail] of rejected) {
        const flagged = await transition(trx, [orderId], 'routed', 'exception', { exceptionType: 'waybill_rejected', exceptionDetail: detail });
        await recordEvents(trx, [...flagged].map((id) => ({ orderId: id, key: 'exception', type: 'exception', detail: { type: 'waybill_rejected', detail } })));
        results.set(orderId, { kind: 'exception' });
      }
      // A number won for a cancelled order is voided only when its shipment is dead: no live
      // order shares it (a merged shipment, or another worker's copy of the order, may still use
      // the same number, which the carrier hands out per shipment).
      const kept = new Set(keep.map((i) => i.shipmentId));
      const candidates = issued.filter((i) => !stillRouted.has(i.orderId) && !kept.has(i.shipmentId));
      if (candidates.length === 0) return [];
      const live = await trx
        .selectFrom('shipment_orders')
        .innerJoin('orders', 'orders.id', 'shipment_orders.order_id')
        .innerJoin('shipments', 'shipments.id', 'shipment_orders.shipment_id')
        .select('shipment_orders.shipment_id')
        .where('shipment_orders.shipment_id', 'in', candidates.map((c) => c.shipmentId))
        .where((eb) => eb.or([eb('orders.status', '!=', 'cancelled'), eb('shipments.waybill_no', 'is not', null)]))
        .execute();
      const inUse = new Set(live.map((l) => l.shipment_id));
      return candidates.filter((c) => !inUse.has(c.shipmentId));
    });
    for (const v of voided) {
      const answer = await idempotentPost(`${ctx.settings.carrierUrl}/waybills/${encodeURIComponent(v.waybillNo)}/cancel`, `cancel:${v.shipmentId}`, { shipmentId: v.shipmentId });
      if (answer.kind !== 'ok') ctx.log(`waybill: could not void ${v.waybillNo} of cancelled shipment ${v.shipmentId}: ${answer.error}`);
    }
    return results;
  },
});
