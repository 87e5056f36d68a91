import { recordEvents, transition } from '../../sql/queries/orders.ts';
import { idempotentPost } from '../idempotent-post.ts';
import { mapLimit, orderStepStage, type StepResult } from '../order-step.ts';

const PARALLEL_REQUESTS = 16;
const PACKING_SMS = 'being_packed';

/**
 * notify: the "being packed" SMS, once per order: the gateway is asked with the key
 * `ORDER:being_packed`, and the notifications table keeps one row per (order, kind).
 * Non-core: peak mode may defer this stage.
 */
export const notifyStage = orderStepStage({
  stage: 'notify',
  from: 'waybilled',
  to: 'notified',
  async apply(ids, ctx) {
    if (ids.length === 0) return new Map<string, StepResult>();
    const orders = await ctx.db.selectFrom('orders').select(['id', 'address']).where('id', 'in', ids).execute();
    const phoneOf = new Map(orders.map((o) => [o.id, o.address.phone]));
    const results = await mapLimit(ids, PARALLEL_REQUESTS, async (orderId): Promise<StepResult> => {
      const answer = await idempotentPost(`${ctx.config.smsUrl}/sms`, `${orderId}:${PACKING_SMS}`, {
        orderId,
        template: PACKING_SMS,
        phone: phoneOf.get(orderId) ?? '',
      });
      if (answer.kind === 'transient') return { kind: 'retry', error: answer.error };
      if (answer.kind === 'rejected') return { kind: 'dead', error: answer.error };
      await ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('notifications')
          .values({ order_id: orderId, kind: PACKING_SMS, provider_message_id: String(answer.body.messageId ?? '') })
          .onConflict((oc) => oc.columns(['order_id', 'kind']).doNothing())
          .execute();
        const moved = await transition(trx, [orderId], 'waybilled', 'notified');
        if (moved.size > 0) await recordEvents(trx, [{ orderId, key: 'notified', type: 'notified' }]);
      });
      return { kind: 'moved' };
    });
    return new Map(ids.map((id, i) => [id, results[i]!]));
  },
});
