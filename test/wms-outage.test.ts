import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStock } from '../sql/queries/inventory.ts';
import { circuitRegistry } from '../workers/circuit/service-breaker.ts';
import { createTestPipeline, eventually, insertPricedOrder, type TestPipeline } from './pipeline-harness.ts';
import { useShortBreakers } from './short-breakers.ts';

describe('a WMS outage', () => {
  let p: TestPipeline;
  useShortBreakers();

  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('stops pulling while the breaker is open, then picks every order once, none dead-lettered', async () => {
    await setStock(p.db, 'WMS-OUT', 'suzhou', 1000);
    const ids = Array.from({ length: 150 }, (_, i) => `shop:wms${i}`);
    for (const id of ids) await insertPricedOrder(p.db, { id, sku: 'WMS-OUT', qty: 1 });
    const lines: string[] = [];
    // Room for 200 messages: without the gate the runner would keep pulling into held batches.
    const workers = await p.startWorkers(['routing', 'pick'], { maxDeliver: 3, retryBaseMs: 100, concurrency: 200, batchSize: 10 }, (line) => lines.push(line));
    const route = (some: string[]) => Promise.all(some.map((id) => p.bus.js.publish(p.names.stageSubject('routing', 'shop'), JSON.stringify({ orderId: id }), { msgID: `routing:${id}` })));
    p.wmsFaults.failRate = 1;
    await route(ids.slice(0, 10));
    await eventually(async () => (lines.some((l) => l.startsWith('circuit wms: open')) ? true : undefined), 10_000, 'the WMS breaker open');
    // A pull already out when the breaker opened keeps what arrives until it expires (1 s, plus
    // its guard): route the rest once it has, so they meet only the gate.
    await new Promise((r) => setTimeout(r, 1500));
    await route(ids.slice(10));
    const pickQueue = () => p.bus.jsm.consumers.info(p.names.stageStream('pick'), p.names.durable('pick'));
    await eventually(async () => ((await pickQueue()).num_pending >= 100 ? true : undefined), 10_000, 'the rest routed and waiting for pick');
    // Many breaker periods, every probe failing: the held batch probes, the rest stay in the stream.
    await new Promise((r) => setTimeout(r, 3000));
    const during = await pickQueue();
    expect(during.num_ack_pending).toBeLessThanOrEqual(20);
    expect(during.num_pending).toBeGreaterThanOrEqual(ids.length - 20);
    // Open (2), or half-open (1) while a probe is out.
    expect(await circuitRegistry.metrics()).toMatch(/ordersurge_circuit_state\{service="wms"\} [12]\n/);

    p.wmsFaults.failRate = 0;
    await eventually(async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from orders where id like 'shop:wms%' and status = 'picking'`.execute(p.db);
      return rows[0]!.n === ids.length ? true : undefined;
    }, 30_000, 'every order picking');
    await workers.stop();
    expect((await p.bus.jsm.streams.info(p.names.deadLetterStream)).state.messages).toBe(0);
    expect(lines.filter((l) => l.startsWith('circuit wms:')).map((l) => l.split(';')[0])).toEqual(expect.arrayContaining(['circuit wms: open', 'circuit wms: half_open', 'circuit wms: closed']));
    const tasks = await p.db.selectFrom('shipments').select('pick_task_id').where('order_id', 'in', ids).execute();
    expect(new Set(tasks.map((t) => t.pick_task_id)).size).toBe(ids.length);
    expect(((await (await fetch(`${p.wms.url}/stats`)).json()) as { tasks: number }).tasks).toBe(ids.length);
  }, 90_000);
});
