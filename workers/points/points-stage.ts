import { awardPoints, paidByOrder } from '../../sql/queries/points.ts';
import { orderStepStage, type StepResult } from '../order-step.ts';

/** One point per whole yuan paid. */
export function pointsFor(paidFen: number): number {
  return Math.floor(Math.max(0, paidFen) / 100);
}

/**
 * points: the buyer's loyalty points for a notified order, into the ledger, once per order.
 * Sheddable: in peak mode it waits in the deferred stream and runs after the peak.
 */
export const pointsStage = orderStepStage({
  stage: 'points',
  async apply(ids, ctx) {
    const orders = await paidByOrder(ctx.db, ids);
    await awardPoints(ctx.db, orders.map((o) => ({ orderId: o.orderId, buyer: o.buyer, points: pointsFor(o.paidFen) })));
    return new Map<string, StepResult>(orders.map((o) => [o.orderId, { kind: 'moved' }]));
  },
});
