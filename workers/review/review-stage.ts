import { recordReminders } from '../../sql/queries/review-reminders.ts';
import { sendToBuyers, smsGatewayReady } from '../notify/buyer-reach.ts';
import { decideNotified } from '../notify/notify-stage.ts';
import { orderStepStage } from '../order-step.ts';

const REVIEW_SMS = 'review_reminder';
/** The reminder goes out when the parcel has most likely arrived. */
const REMIND_AFTER_MS = 3 * 24 * 3600_000;

/**
 * review: schedules the "please review" message (sent `REMIND_AFTER_MS` later), once per order:
 * the key `ORDER:review_reminder` and a notifications row per (order, kind); by SMS, or through
 * the marketplace's buyer-message API as notify does.
 * Sheddable: in peak mode it waits in the deferred stream and runs after the peak.
 */
export const reviewStage = orderStepStage({
  stage: 'review',
  readyToPull: smsGatewayReady,
  async apply(ids, ctx) {
    const sendAt = new Date(Date.now() + REMIND_AFTER_MS).toISOString();
    const answers = await sendToBuyers(ids, REVIEW_SMS, ctx, { sendAt });
    const { results, sent } = decideNotified(ids, (orderId) => answers.get(orderId));
    await recordReminders(ctx.db, REVIEW_SMS, sent);
    return results;
  },
});
