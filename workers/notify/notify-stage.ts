import { recordNotified } from '../../sql/queries/notifications.ts';
import type { PostResult } from '../idempotent-post.ts';
import { orderStepStage, type StepResult } from '../order-step.ts';
import { sendToBuyers, smsGatewayReady } from './buyer-reach.ts';

const PACKING_SMS = 'being_packed';

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
 * notify: the "being packed" message, once per order, under the key `ORDER:being_packed` (one
 * call carries up to 100 messages, each under its own key), and the notifications table keeps
 * one row per (order, kind). By SMS to a number that reaches the buyer (opened from its sealed
 * form only for the call), or, for a marketplace order that gave only a masked number, through
 * the marketplace's buyer-message API (`buyer-reach.ts`). The gateway sits behind a circuit
 * breaker: during its outage the batch waits and the stage pulls nothing more. Non-core: peak
 * mode may defer it.
 */
export const notifyStage = orderStepStage({
  stage: 'notify',
  readyToPull: smsGatewayReady,
  async apply(ids, ctx) {
    const answers = await sendToBuyers(ids, PACKING_SMS, ctx);
    const { results, sent } = decideNotified(ids, (orderId) => answers.get(orderId));
    await recordNotified(ctx.db, PACKING_SMS, sent);
    return results;
  },
});
