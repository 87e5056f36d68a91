import type { IssuedWaybill, ShipmentToNumber } from '../../sql/queries/waybills.ts';
import type { PostResult } from '../idempotent-post.ts';
import type { StepResult } from '../order-step.ts';

export interface WaybillDecision {
  results: Map<string, StepResult>;
  issued: IssuedWaybill[];
  /** Orders the carrier refused, with its reason. */
  rejected: Map<string, string>;
}

/**
 * What the carrier's answers mean for each order: every shipment numbered (moved on), one
 * refused (an exception for an operator), or one not answered (retried). Pure.
 */
export function decideWaybills(ids: readonly string[], shipments: readonly ShipmentToNumber[], answerOf: (shipmentId: string) => PostResult | undefined): WaybillDecision {
  const decision: WaybillDecision = { results: new Map(), issued: [], rejected: new Map() };
  for (const orderId of ids) {
    const own = shipments.filter((s) => s.orderId === orderId);
    if (own.length === 0) {
      decision.results.set(orderId, { kind: 'dead', error: `orderId: routed order ${orderId} has no shipment` });
      continue;
    }
    decision.results.set(orderId, { kind: 'moved' });
    for (const shipment of own.filter((s) => s.waybillNo === null)) {
      const answer = answerOf(shipment.shipmentId) ?? { kind: 'transient', error: `carrier gave no answer for ${shipment.shipmentId}` };
      if (answer.kind === 'rejected') {
        decision.rejected.set(orderId, answer.error);
        decision.results.delete(orderId);
        break;
      }
      const waybillNo = answer.kind === 'ok' ? answer.body.waybillNo : undefined;
      if (answer.kind === 'transient' || typeof waybillNo !== 'string') {
        decision.results.set(orderId, { kind: 'retry', error: answer.kind === 'transient' ? answer.error : 'carrier answer has no waybillNo' });
        break;
      }
      decision.issued.push({ orderId, shipmentId: shipment.shipmentId, waybillNo, carrier: String(answer.body.carrier ?? '') });
    }
  }
  return decision;
}
