import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStock } from '../sql/queries/inventory.ts';
import { orderRefSchema, type OrderRef } from '../streams/messages.ts';
import { createMetrics } from '../workers/metrics.ts';
import { DEFAULT_RUNNER, StageRunner } from '../workers/runner.ts';
import { decodeJson, type Outcome, type Stage } from '../workers/stage.ts';
import { createTaskPool } from '../workers/task-pool.ts';
import { createTestPipeline, eventually, insertPricedOrder, type TestPipeline } from './pipeline-harness.ts';
import { useShortBreakers } from './short-breakers.ts';

describe('a carrier outage', () => {
  let p: TestPipeline;
  useShortBreakers();

  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('ends with every order waybilled once and none dead-lettered, the breaker holding calls while the carrier is down', async () => {
    await setStock(p.db, 'OUTAGE-SKU', 'suzhou', 1000);
    const ids = Array.from({ length: 60 }, (_, i) => `shop:out${i}`);
    for (const id of ids) await insertPricedOrder(p.db, { id, sku: 'OUTAGE-SKU', qty: 1 });
    const lines: string[] = [];
    // A delivery limit of 3 with 100 ms retries: without the breaker the outage would dead-letter every order in a second or two.
    const workers = await p.startWorkers(['routing', 'pick', 'waybill'], { maxDeliver: 3, retryBaseMs: 100 }, (line) => lines.push(line));
    const route = async (some: string[]) => {
      for (const id of some) await p.bus.js.publish(p.names.stageSubject('routing', 'shop'), JSON.stringify({ orderId: id }), { msgID: `routing:${id}` });
    };
    p.carrierFaults.failRate = 0.5;
    await route(ids.slice(0, 30));
    await new Promise((r) => setTimeout(r, 1500));
    p.carrierFaults.failRate = 1;
    // The other half comes with the outage: on a quick run the first half can be waybilled in the
    // 50% phase without three failures in a row, and an outage meeting no order opens no breaker.
    await route(ids.slice(30));
    // The outage: many breaker periods, every probe failing.
    await new Promise((r) => setTimeout(r, 6000));
    p.carrierFaults.failRate = 0;
    await eventually(async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from orders where id like 'shop:out%' and status = 'waybilled'`.execute(p.db);
      return rows[0]!.n === ids.length ? true : undefined;
    }, 20_000, 'every order waybilled');
    await workers.stop();
    expect((await p.bus.jsm.streams.info(p.names.deadLetterStream)).state.messages).toBe(0);

    expect(lines.filter((l) => l.startsWith('circuit carrier:')).map((l) => l.split(';')[0])).toEqual(expect.arrayContaining(['circuit carrier: open', 'circuit carrier: half_open', 'circuit carrier: closed']));
    expect((await p.bus.jsm.streams.info(p.names.deadLetterStream)).state.messages).toBe(0);
    const shipments = await p.db.selectFrom('shipments').select(['id', 'waybill_no']).where('order_id', 'in', ids).execute();
    expect(shipments).toHaveLength(ids.length);
    expect(new Set(shipments.map((s) => s.waybill_no)).size).toBe(ids.length);
    expect(shipments.every((s) => s.waybill_no?.startsWith('SIM'))).toBe(true);
    const stats = (await (await fetch(`${p.carrier.url}/stats`)).json()) as { issued: number };
    expect(stats.issued).toBe(ids.length);
    expect(await p.db.selectFrom('orders').select('id').where('id', 'in', ids).where('status', '=', 'exception').execute()).toEqual([]);
  }, 90_000);
});

describe('waiting for a carrier', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('spends no delivery attempts: a message that waited is dead-lettered only after its own attempts', async () => {
    // A stand-in waybill stage: "waited" waits five deliveries (a carrier down), then fails twice
    // (a carrier back but flaky), then succeeds; "failing" only ever fails.
    const seen = new Map<string, number[]>();
    const stage: Stage<OrderRef> = {
      name: 'waybill',
      decode: (data) => decodeJson(data, orderRefSchema),
      async handle(batch) {
        return batch.map((d): Outcome => {
          seen.set(d.body.orderId, [...(seen.get(d.body.orderId) ?? []), d.attempt]);
          if (d.body.orderId === 'failing') return { kind: 'retry', error: 'HTTP 503' };
          if (d.attempt <= 5) return { kind: 'wait', delayMs: 50, reason: 'breaker open' };
          return d.attempt <= 7 ? { kind: 'retry', error: 'HTTP 503' } : { kind: 'done', publish: [] };
        });
      },
    };
    const pool = createTaskPool(0);
    const stop = new AbortController();
    const runner = new StageRunner(stage, p.bus, p.names, { db: p.db, pool, settings: p.config as never, peak: { active: () => false }, log: () => undefined }, createMetrics(), {
      ...DEFAULT_RUNNER,
      maxDeliver: 3,
      retryBaseMs: 10,
    });
    const running = runner.run(stop.signal);
    for (const id of ['waited', 'failing']) await p.bus.js.publish(p.names.stageSubject('waybill', 'shop'), JSON.stringify({ orderId: id }), { msgID: `waybill:${id}` });
    await eventually(async () => (seen.get('waited')?.length === 8 && seen.get('failing')?.length === 3 ? true : undefined), 20_000, 'both messages settled');
    await new Promise((r) => setTimeout(r, 500));
    stop.abort();
    await running;
    await pool.destroy();

    // Five waits, then three attempts of its own (the limit): the last succeeded.
    expect(seen.get('waited')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The budget still holds for a message that never waited: three attempts, then the dead letters.
    expect(seen.get('failing')).toEqual([1, 2, 3]);
    expect((await p.bus.jsm.streams.info(p.names.deadLetterStream)).state.messages).toBe(1);
  }, 60_000);
});
