import { phonesOf } from '../../sql/queries/notifications.ts';
import { recordReminders } from '../../sql/queries/review-reminders.ts';
import { idempotentPostBatch } from '../idempotent-post.ts';
import { decideNotified } from '../notify/notify-stage.ts';
import { orderStepStage } from '../order-step.ts';

const REVIEW_SMS = 'review_reminder';
/** Messages per gateway call, as for the "being packed" SMS. */
const SMS_BATCH_LIMIT = 100;
/** The reminder goes out when the parcel has most likely arrived. */
const REMIND_AFTER_MS = 3 * 24 * 3600_000;

/**
 * review: schedules the "please review" SMS through the gateway (sent `REMIND_AFTER_MS` later),
 * once per order: the key `ORDER:review_reminder` and a notifications row per (order, kind).
 * Sheddable: in peak mode it waits in the deferred stream and runs after the peak.
 */
export const reviewStage = orderStepStage({
  stage: 'review',
  async apply(ids, ctx) {
    const phoneOf = await phonesOf(ctx.db, ids);
    const keyOf = (orderId: string): string => `${orderId}:${REVIEW_SMS}`;
    const sendAt = new Date(Date.now() + REMIND_AFTER_MS).toISOString();
    const answers = await idempotentPostBatch(
      `${ctx.settings.smsUrl}/sms/batch`,
      ids.map((orderId) => ({ key: keyOf(orderId), body: { orderId, template: REVIEW_SMS, phone: phoneOf.get(orderId) ?? '', sendAt } })),
      SMS_BATCH_LIMIT,
    );
    const { results, sent } = decideNotified(ids, (orderId) => answers.get(keyOf(orderId)));
    await recordReminders(ctx.db, REVIEW_SMS, sent);
    return results;
  },
});
