import { sql } from 'kysely';
import { recordEvents, transition } from '../../sql/queries/orders.ts';
import { idempotentPost } from '../idempotent-post.ts';
import { mapLimit, orderStepStage, type StepResult } from '../order-step.ts';
import type { StageContext } from '../stage.ts';

/** Carrier requests in flight at once per batch. */
const PARALLEL_REQUESTS = 16;

/**
 * waybill: asks the carrier for an e-waybill number per shipment, with the shipment id as the
 * idempotency key, so a retried request returns the same number instead of a second waybill.
 */
export const waybillStage = orderStepStage({
  stage: 'waybill',
  from: 'routed',
  to: 'waybilled',
  next: 'notify',
  async apply(ids, ctx) {
    if (ids.length === 0) return new Map<string, StepResult>();
    const shipments = await ctx.db
      .selectFrom('shipments')
      .innerJoin('orders', 'orders.id', 'shipments.order_id')
      .select(['shipments.id', 'shipments.order_id', 'shipments.warehouse', 'shipments.waybill_no', 'orders.address'])
      .where('shipments.order_id', 'in', ids)
      .execute();
    const results = await mapLimit(ids, PARALLEL_REQUESTS, async (orderId): Promise<StepResult> => {
      const own = shipments.filter((s) => s.order_id === orderId);
      if (own.length === 0) return { kind: 'dead', error: `orderId: routed order ${orderId} has no shipment` };
      for (const shipment of own.filter((s) => s.waybill_no === null)) {
        const answer = await idempotentPost(`${ctx.config.carrierUrl}/waybills`, shipment.id, {
          shipmentId: shipment.id,
          orderId,
          warehouse: shipment.warehouse,
          address: shipment.address,
        });
        if (answer.kind === 'transient') return { kind: 'retry', error: answer.error };
        if (answer.kind === 'rejected') return exception(ctx, orderId, answer.error);
        const waybillNo = answer.body.waybillNo;
        if (typeof waybillNo !== 'string') return { kind: 'retry', error: 'carrier answer has no waybillNo' };
        await ctx.db
          .updateTable('shipments')
          .set({ waybill_no: waybillNo, carrier: String(answer.body.carrier ?? ''), waybilled_at: sql`now()` })
          .where('id', '=', shipment.id)
          .where('waybill_no', 'is', null)
          .execute();
      }
      await ctx.db.transaction().execute(async (trx) => {
        const moved = await transition(trx, [orderId], 'routed', 'waybilled');
        if (moved.size > 0) await recordEvents(trx, [{ orderId, key: 'waybilled', type: 'waybilled' }]);
      });
      return { kind: 'moved' };
    });
    return new Map(ids.map((id, i) => [id, results[i]!]));
  },
});

async function exception(ctx: StageContext, orderId: string, detail: string): Promise<StepResult> {
  await ctx.db.transaction().execute(async (trx) => {
    const flagged = await transition(trx, [orderId], 'routed', 'exception', { exceptionType: 'waybill_rejected', exceptionDetail: detail });
    if (flagged.size > 0) {
      await recordEvents(trx, [{ orderId, key: 'exception', type: 'exception', detail: { type: 'waybill_rejected', detail } }]);
    }
  });
  return { kind: 'exception' };
}
