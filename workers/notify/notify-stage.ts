import { recordEvents, transition } from '../../sql/queries/orders.ts';
import { idempotentPost } from '../idempotent-post.ts';
import { mapLimit } from '../map-limit.ts';
import { orderStepStage, type StepResult } from '../order-step.ts';

const PARALLEL_REQUESTS = 32;
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
    const results = new Map<string, StepResult>();
    const orders = await ctx.db.selectFrom('orders').select(['id', 'address']).where('id', 'in', ids).execute();
    const phoneOf = new Map(orders.map((o) => [o.id, o.address.phone]));
    const sent: { orderId: string; messageId: string }[] = [];
    await mapLimit(ids, PARALLEL_REQUESTS, async (orderId) => {
      const answer = await idempotentPost(`${ctx.config.smsUrl}/sms`, `${orderId}:${PACKING_SMS}`, {
        orderId,
        template: PACKING_SMS,
        phone: phoneOf.get(orderId) ?? '',
      });
      if (answer.kind === 'transient') return results.set(orderId, { kind: 'retry', error: answer.error });
      if (answer.kind === 'rejected') return results.set(orderId, { kind: 'dead', error: answer.error });
      sent.push({ orderId, messageId: String(answer.body.messageId ?? '') });
      return results.set(orderId, { kind: 'moved' });
    });
    if (sent.length > 0) {
      await ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('notifications')
          .values(sent.map((s) => ({ order_id: s.orderId, kind: PACKING_SMS, provider_message_id: s.messageId })))
          .onConflict((oc) => oc.columns(['order_id', 'kind']).doNothing())
          .execute();
        const moved = await transition(trx, sent.map((s) => s.orderId), 'waybilled', 'notified');
        await recordEvents(trx, [...moved].map((orderId) => ({ orderId, key: 'notified', type: 'notified' })));
      });
    }
    return results;
  },
});
