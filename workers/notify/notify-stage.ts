import { recordNotified, sealedPhonesOf } from '../../sql/queries/notifications.ts';
import { idempotentPostBatch, type PostResult } from '../idempotent-post.ts';
import { orderStepStage, type StepResult } from '../order-step.ts';
import { processPiiKeyring } from '../../streams/pii/keyring.ts';
import { openPii } from '../../streams/pii/sealed-value.ts';

const PACKING_SMS = 'being_packed';
/** Messages per gateway call: batch-SMS APIs commonly take up to 100. */
const SMS_BATCH_LIMIT = 100;

/** What each order's gateway answer means for it. Pure. */
export function decideNotified(ids: readonly string[], answerOf: (orderId: string) => PostResult | undefined) {
  const results = new Map<string, StepResult>();
  const sent: { orderId: string; messageId: string }[] = [];
  for (const orderId of ids) {
    const answer = answerOf(orderId) ?? { kind: 'transient', error: `SMS gateway gave no answer for ${orderId}` };
    if (answer.kind === 'transient') results.set(orderId, { kind: 'retry', error: answer.error });
    else if (answer.kind === 'rejected') results.set(orderId, { kind: 'dead', error: answer.error });
    else {
      sent.push({ orderId, messageId: String(answer.body.messageId ?? '') });
      results.set(orderId, { kind: 'moved' });
    }
  }
  return { results, sent };
}

/**
 * notify: the "being packed" SMS, once per order: the gateway is asked with the key
 * `ORDER:being_packed` (one batch call carries up to 100 messages, each under its own key), and
 * the notifications table keeps one row per (order, kind). The number is opened from its sealed
 * form only for the gateway call. Non-core: peak mode may defer it.
 */
export const notifyStage = orderStepStage({
  stage: 'notify',
  async apply(ids, ctx) {
    const sealedPhoneOf = await sealedPhonesOf(ctx.db, ids);
    const keyring = processPiiKeyring();
    const keyOf = (orderId: string): string => `${orderId}:${PACKING_SMS}`;
    const answers = await idempotentPostBatch(
      `${ctx.settings.smsUrl}/sms/batch`,
      ids.map((orderId) => ({ key: keyOf(orderId), body: { orderId, template: PACKING_SMS, phone: openPii(sealedPhoneOf.get(orderId) ?? '', keyring) } })),
      SMS_BATCH_LIMIT,
    );
    const { results, sent } = decideNotified(ids, (orderId) => answers.get(keyOf(orderId)));
    await recordNotified(ctx.db, PACKING_SMS, sent);
    return results;
  },
});
