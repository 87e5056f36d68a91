import { describe, expect, it } from 'vitest';
import type { ShipmentToNumber } from '../../sql/queries/waybills.ts';
import type { PostResult } from '../idempotent-post.ts';
import { decideWaybills } from './decide-waybills.ts';

const address = { province: '', provinceCode: '', city: '', district: '', street: '', detail: '', receiver: '', phone: '', postcode: '' };
const shipment = (orderId: string, shipmentId: string, waybillNo: string | null = null): ShipmentToNumber => ({ orderId, shipmentId, warehouse: 'suzhou', carriers: ['sf'], waybillNo, address });

describe('decideWaybills', () => {
  it('moves an order on once every shipment has a number, retries the unanswered, flags the refused', () => {
    const answers: Record<string, PostResult> = {
      'a#1': { kind: 'ok', body: { waybillNo: 'SIM1', carrier: 'X' } },
      'b#1': { kind: 'transient', error: 'HTTP 503' },
      'c#1': { kind: 'rejected', error: 'HTTP 400 bad address' },
      'd#1': { kind: 'ok', body: {} },
    };
    const shipments = [shipment('a', 'a#1'), shipment('b', 'b#1'), shipment('c', 'c#1'), shipment('d', 'd#1'), shipment('e', 'e#1', 'SIM0')];
    const d = decideWaybills(['a', 'b', 'c', 'd', 'e', 'f'], shipments, (id) => answers[id]);
    expect(Object.fromEntries([...d.results].map(([id, r]) => [id, r.kind]))).toEqual({ a: 'moved', b: 'retry', d: 'retry', e: 'moved', f: 'dead' });
    expect(d.rejected).toEqual(new Map([['c', 'HTTP 400 bad address']]));
    expect(d.issued).toEqual([{ orderId: 'a', shipmentId: 'a#1', waybillNo: 'SIM1', carrier: 'X' }]);
  });

  it("makes an order whose carrier's breaker held the call wait, spending no attempt, unless another of its shipments was really tried", () => {
    const answers: Record<string, PostResult> = { 'c#2': { kind: 'transient', error: 'HTTP 503' }, 'd#1': { kind: 'ok', body: { waybillNo: 'SIM4', carrier: 'sf' } } };
    const held: Record<string, number> = { 'a#1': 800, 'b#1': 300, 'b#2': 900, 'c#1': 500 };
    const shipments = [shipment('a', 'a#1'), shipment('b', 'b#1'), shipment('b', 'b#2'), shipment('c', 'c#1'), shipment('c', 'c#2'), shipment('d', 'd#1')];
    const d = decideWaybills(['a', 'b', 'c', 'd'], shipments, (id) => answers[id], (id) => held[id]);
    expect(Object.fromEntries(d.results)).toEqual({
      a: { kind: 'wait', delayMs: 800, reason: "its carrier's circuit breaker is open: asked again in 800 ms" },
      // Until the later of its carriers' probes.
      b: { kind: 'wait', delayMs: 900, reason: "its carrier's circuit breaker is open: asked again in 900 ms" },
      c: { kind: 'retry', error: 'carrier gave no answer for c#1' },
      d: { kind: 'moved' },
    });
  });
});
