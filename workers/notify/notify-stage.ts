import { recordEvents, transition } from '../../sql/queries/orders.ts';
import { idempotentPostBatch } from '../idempotent-post.ts';
import { orderStepStage, type StepResult } from '../order-step.ts';

/** Messages per gateway call: batch-SMS APIs commonly take up to 100. */
const SMS_BATCH_LIMIT = 100;
const PACKING_SMS = 'being_packed';

/**
 * notify: the "being packed" SMS, once per order: the gateway is asked with the key
 * `ORDER:being_packed` (one batch call carries up to 100 messages, each under its own key), and
 * the notifications table keeps one row per (order, kind).
 * Non-core: peak mode may defer this stage.
 */
export const notifyStage = orderStepStage({
  stage: 'notify',
  async apply(ids, ctx) {
    const results = new Map<string, StepResult>();
    const orders = await ctx.db.selectFrom('orders').select(['id', 'address']).where('id', 'in', ids).execute();
    const phoneOf = new Map(orders.map((o) => [o.id, o.address.phone]));
    const sent: { orderId: string; messageId: string }[] = [];
    const keyOf = (orderId: string): string => `${orderId}:${PACKING_SMS}`;
    const answers = await idempotentPostBatch(
      `${ctx.settings.smsUrl}/sms/batch`,
      ids.map((orderId) => ({ key: keyOf(orderId), body: { orderId, template: PACKING_SMS, phone: phoneOf.get(orderId) ?? '' } })),
      SMS_BATCH_LIMIT,
    );
    for (const orderId of ids) {
      const answer = answers.get(keyOf(orderId)) ?? { kind: 'transient', error: `SMS gateway gave no answer for ${orderId}` };
      if (answer.kind === 'transient') results.set(orderId, { kind: 'retry', error: answer.error });
      else if (answer.kind === 'rejected') results.set(orderId, { kind: 'dead', error: answer.error });
      else {
        sent.push({ orderId, messageId: String(answer.body.messageId ?? '') });
        results.set(orderId, { kind: 'moved' });
      }
    }
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
