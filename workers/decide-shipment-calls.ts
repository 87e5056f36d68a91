import type { PostResult } from './idempotent-post.ts';
import type { StepResult } from './order-step.ts';

export interface ShipmentCallDecision<Made> {
  results: Map<string, StepResult>;
  /** What each answered call made (a pick task, a waybill), per shipment. */
  made: Made[];
  /** Orders the service refused, with its reason. */
  rejected: Map<string, string>;
}

export interface ShipmentCall<Shipment, Made> {
  /** The service's name in errors: 'WMS', 'carrier'. */
  service: string;
  /** The field of its answer that names what it made: 'taskId', 'waybillNo'. */
  field: string;
  /** Whether the shipment still needs the call (it has no task or number yet). */
  needsCall: (shipment: Shipment) => boolean;
  made: (shipment: Shipment, value: string, body: Record<string, unknown>) => Made;
}

/**
 * What an external service's answers for the shipments of each order mean: every shipment
 * served (moved on), one refused (an exception for an operator), or one not answered (retried).
 * A shipment that needs no call is not asked for again. Pure; shared by pick and waybill.
 */
export function decideShipmentCalls<Shipment extends { orderId: string; shipmentId: string }, Made>(
  ids: readonly string[],
  shipments: readonly Shipment[],
  answerOf: (shipmentId: string) => PostResult | undefined,
  call: ShipmentCall<Shipment, Made>,
): ShipmentCallDecision<Made> {
  const decision: ShipmentCallDecision<Made> = { results: new Map(), made: [], rejected: new Map() };
  for (const orderId of ids) {
    const own = shipments.filter((s) => s.orderId === orderId);
    if (own.length === 0) {
      decision.results.set(orderId, { kind: 'dead', error: `orderId: routed order ${orderId} has no shipment` });
      continue;
    }
    decision.results.set(orderId, { kind: 'moved' });
    for (const shipment of own.filter(call.needsCall)) {
      const answer = answerOf(shipment.shipmentId) ?? { kind: 'transient', error: `${call.service} gave no answer for ${shipment.shipmentId}` };
      if (answer.kind === 'rejected') {
        decision.rejected.set(orderId, answer.error);
        decision.results.delete(orderId);
        break;
      }
      const value = answer.kind === 'ok' ? answer.body[call.field] : undefined;
      if (answer.kind === 'transient' || typeof value !== 'string') {
        decision.results.set(orderId, { kind: 'retry', error: answer.kind === 'transient' ? answer.error : `${call.service} answer has no ${call.field}` });
        break;
      }
      decision.made.push(call.made(shipment, value, answer.kind === 'ok' ? answer.body : {}));
    }
  }
  return decision;
}
