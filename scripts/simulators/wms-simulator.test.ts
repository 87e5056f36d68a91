import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from './json-server.ts';
import { startWmsSimulator } from './wms-simulator.ts';

describe('the WMS simulator', () => {
  let wms: RunningServer;
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${wms.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const feed = async (after: number) => ((await (await fetch(`${wms.url}/pick-tasks/shipped?after=${after}`)).json()) as { events: { seq: number; shipmentId: string }[] }).events;

  beforeAll(async () => {
    wms = await startWmsSimulator(0, { latencyMs: 0, failRate: 0 });
  });
  afterAll(async () => {
    await wms.close();
  });

  it('opens one pick task per key, however often asked, and names a bad field', async () => {
    const item = { key: 's1:pick', shipmentId: 's1', warehouse: 'suzhou', orderIds: ['o1'], lines: [{ sku: 'A', qty: 2 }] };
    const first = await post('/pick-tasks/batch', { items: [item] });
    const again = await post('/pick-tasks/batch', { items: [item] });
    const [a] = first.body.results as { status: number; body: { taskId: string } }[];
    const [b] = again.body.results as { status: number; body: { taskId: string } }[];
    expect([a!.status, b!.status]).toEqual([201, 200]);
    expect(b!.body.taskId).toBe(a!.body.taskId);
    const bad = await post('/pick-tasks/batch', { items: [{ ...item, key: 's2:pick', shipmentId: 's2', lines: [{ sku: 'A', qty: 0 }] }] });
    expect((bad.body.results as { status: number; body: { error: string } }[])[0]).toEqual({ key: 's2:pick', status: 400, body: { error: 'lines[0].qty: must be a positive integer, got 0' } });
  });

  it('cancels an open task, refuses to cancel a shipped one, and lists shipped parcels in order', async () => {
    const open = async (id: string) => ((await post('/pick-tasks', { shipmentId: id, warehouse: 'suzhou', lines: [{ sku: 'A', qty: 1 }] }, { 'idempotency-key': `${id}:pick` })).body.taskId as string);
    const [t3, t4] = [await open('s3'), await open('s4')];
    expect(await post(`/pick-tasks/${t3}/cancel`, {})).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect(await post(`/pick-tasks/${t3}/cancel`, {})).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect((await post('/admin/ship', { taskId: t3 })).status).toBe(409);
    expect(await post('/admin/ship', { shipmentId: 's4' })).toMatchObject({ status: 200, body: { taskId: t4, status: 'shipped' } });
    expect(await post('/admin/ship', { taskId: t4 })).toMatchObject({ status: 200, body: { status: 'shipped' } });
    expect((await post(`/pick-tasks/${t4}/cancel`, {})).status).toBe(409);
    const events = await feed(0);
    expect(events.map((e) => [e.seq, e.shipmentId])).toEqual([[1, 's4']]);
    expect(await feed(1)).toEqual([]);
  });

  it('ships open tasks by itself after shipAfterMs', async () => {
    const auto = await startWmsSimulator(0, { latencyMs: 0, failRate: 0 }, { shipAfterMs: 50 });
    try {
      await fetch(`${auto.url}/pick-tasks`, { method: 'POST', headers: { 'idempotency-key': 'a:pick' }, body: JSON.stringify({ shipmentId: 'a', warehouse: 'w', lines: [{ sku: 'A', qty: 1 }] }) });
      await new Promise((r) => setTimeout(r, 300));
      expect(await (await fetch(`${auto.url}/stats`)).json()).toMatchObject({ tasks: 1, shipped: 1 });
    } finally {
      await auto.close();
    }
  });
});
