import type { OpenedPick, ShipmentToPick } from '../../sql/queries/picks.ts';
import type { PostResult } from '../idempotent-post.ts';
import type { StepResult } from '../order-step.ts';

export interface PickDecision {
  results: Map<string, StepResult>;
  opened: OpenedPick[];
  /** Orders the WMS refused, with its reason. */
  rejected: Map<string, string>;
}

/**
 * What the WMS's answers mean for each order: a pick task for every shipment (moved on), one
 * refused (an exception for an operator), or one not answered (retried). A shipment that already
 * has its task is not asked for again. Pure.
 *
 * @example
 * decidePicks(['shop:1'], [{ shipmentId: 'shop:1#1', orderId: 'shop:1', pickTaskId: null, ... }], () => ({ kind: 'ok', body: { taskId: 'PICK1' } }))
 * // results: shop:1 moved; opened: [{ orderId: 'shop:1', shipmentId: 'shop:1#1', taskId: 'PICK1' }]
 */
export function decidePicks(ids: readonly string[], shipments: readonly ShipmentToPick[], answerOf: (shipmentId: string) => PostResult | undefined): PickDecision {
  const decision: PickDecision = { results: new Map(), opened: [], rejected: new Map() };
  for (const orderId of ids) {
    const own = shipments.filter((s) => s.orderId === orderId);
    if (own.length === 0) {
      decision.results.set(orderId, { kind: 'dead', error: `orderId: routed order ${orderId} has no shipment` });
      continue;
    }
    decision.results.set(orderId, { kind: 'moved' });
    for (const shipment of own.filter((s) => s.pickTaskId === null)) {
      const answer = answerOf(shipment.shipmentId) ?? { kind: 'transient', error: `WMS gave no answer for ${shipment.shipmentId}` };
      if (answer.kind === 'rejected') {
        decision.rejected.set(orderId, answer.error);
        decision.results.delete(orderId);
        break;
      }
      const taskId = answer.kind === 'ok' ? answer.body.taskId : undefined;
      if (answer.kind === 'transient' || typeof taskId !== 'string') {
        decision.results.set(orderId, { kind: 'retry', error: answer.kind === 'transient' ? answer.error : 'WMS answer has no taskId' });
        break;
      }
      decision.opened.push({ orderId, shipmentId: shipment.shipmentId, taskId });
    }
  }
  return decision;
}
