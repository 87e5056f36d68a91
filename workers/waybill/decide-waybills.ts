import type { IssuedWaybill, ShipmentToNumber } from '../../sql/queries/waybills.ts';
import { decideShipmentCalls } from '../decide-shipment-calls.ts';
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
  const { results, made, rejected } = decideShipmentCalls(ids, shipments, answerOf, {
    service: 'carrier',
    field: 'waybillNo',
    needsCall: (s) => s.waybillNo === null,
    made: (s, waybillNo, body): IssuedWaybill => ({ orderId: s.orderId, shipmentId: s.shipmentId, waybillNo, carrier: String(body.carrier ?? '') }),
  });
  return { results, issued: made, rejected };
}
