import { describe, expect, it } from 'vitest';
import type { ShipmentToPick } from '../../sql/queries/picks.ts';
import type { PostResult } from '../idempotent-post.ts';
import { decidePicks } from './decide-picks.ts';

const shipment = (orderId: string, shipmentId: string, pickTaskId: string | null = null): ShipmentToPick => ({ shipmentId, orderId, warehouse: 'suzhou', pickTaskId, members: [orderId], lines: [{ sku: 'A', qty: 1 }] });

describe('decidePicks', () => {
  it('moves an order once every shipment has a task, asking only for those without one', () => {
    const asked: string[] = [];
    const { results, opened, rejected } = decidePicks(['o1'], [shipment('o1', 'o1#1'), shipment('o1', 'o1#2', 'PICK7')], (id): PostResult => {
      asked.push(id);
      return { kind: 'ok', body: { taskId: `T-${id}` } };
    });
    expect(asked).toEqual(['o1#1']);
    expect(results.get('o1')).toEqual({ kind: 'moved' });
    expect(opened).toEqual([{ orderId: 'o1', shipmentId: 'o1#1', taskId: 'T-o1#1' }]);
    expect(rejected.size).toBe(0);
  });

  it('retries an order the WMS did not answer, makes a refusal an exception, and dead-letters an order without shipments', () => {
    const answers: Record<string, PostResult> = {
      'o1#1': { kind: 'transient', error: 'HTTP 503' },
      'o2#1': { kind: 'rejected', error: 'HTTP 400 lines: required non-empty array' },
      'o4#1': { kind: 'ok', body: {} },
    };
    const { results, opened, rejected } = decidePicks(['o1', 'o2', 'o3', 'o4'], [shipment('o1', 'o1#1'), shipment('o2', 'o2#1'), shipment('o4', 'o4#1')], (id) => answers[id]);
    expect(results.get('o1')).toEqual({ kind: 'retry', error: 'HTTP 503' });
    expect(results.has('o2')).toBe(false);
    expect(rejected.get('o2')).toContain('lines');
    expect(results.get('o3')).toMatchObject({ kind: 'dead', error: expect.stringContaining('orderId: routed order o3 has no shipment') });
    expect(results.get('o4')).toEqual({ kind: 'retry', error: 'WMS answer has no taskId' });
    expect(opened).toEqual([]);
  });
});
