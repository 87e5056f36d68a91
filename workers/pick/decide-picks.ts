import type { OpenedPick, ShipmentToPick } from '../../sql/queries/picks.ts';
import { decideShipmentCalls } from '../decide-shipment-calls.ts';
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
  const { results, made, rejected } = decideShipmentCalls(ids, shipments, answerOf, {
    service: 'WMS',
    field: 'taskId',
    needsCall: (s) => s.pickTaskId === null,
    made: (s, taskId): OpenedPick => ({ orderId: s.orderId, shipmentId: s.shipmentId, taskId }),
  });
  return { results, opened: made, rejected };
}
