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
 * refused (an exception for an operator), or one not answered (retried). An order left without
 * an answer because a shipment's carrier was not asked at all, its breaker open
 * (`heldFor(shipmentId)` gives how long until its probe), waits that long instead: it spent no
 * attempt, and other carriers' orders go on meanwhile. Pure.
 */
export function decideWaybills(
  ids: readonly string[],
  shipments: readonly ShipmentToNumber[],
  answerOf: (shipmentId: string) => PostResult | undefined,
  heldFor: (shipmentId: string) => number | undefined = () => undefined,
): WaybillDecision {
  const { results, made, rejected } = decideShipmentCalls(ids, shipments, answerOf, {
    service: 'carrier',
    field: 'waybillNo',
    needsCall: (s) => s.waybillNo === null,
    made: (s, waybillNo, body): IssuedWaybill => ({ orderId: s.orderId, shipmentId: s.shipmentId, waybillNo, carrier: String(body.carrier ?? '') }),
  });
  for (const [orderId, result] of results) {
    if (result.kind !== 'retry') continue;
    const unnumbered = shipments.filter((s) => s.orderId === orderId && s.waybillNo === null);
    const held = unnumbered.map((s) => heldFor(s.shipmentId)).filter((ms): ms is number => ms !== undefined);
    // A shipment its carrier failed to answer was a real try: the order is then retried as usual.
    const tried = unnumbered.some((s) => heldFor(s.shipmentId) === undefined && answerOf(s.shipmentId)?.kind === 'transient');
    if (held.length === 0 || tried) continue;
    const delayMs = Math.max(...held);
    results.set(orderId, { kind: 'wait', delayMs, reason: `its carrier's circuit breaker is open: asked again in ${delayMs} ms` });
  }
  return { results, issued: made, rejected };
}
