import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStock } from '../sql/queries/inventory.ts';
import { createTestPipeline, eventually, insertPricedOrder, type TestPipeline } from './pipeline-harness.ts';
import { useShortBreakers } from './short-breakers.ts';

describe('batches held by an open breaker', () => {
  let p: TestPipeline;
  useShortBreakers();

  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('wait without piling listeners on their worker\'s stop signal: no MaxListenersExceededWarning', async () => {
    // Every batch pulled before the breaker opened waits in it: 100 orders in batches of 5 are up
    // to 20 held at once on the one signal (the warning a 600 s carrier outage fault run printed 7 times).
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      await setStock(p.db, 'HELD-1', 'suzhou', 1000);
      const ids = Array.from({ length: 100 }, (_, i) => `shop:held${i}`);
      for (const id of ids) await insertPricedOrder(p.db, { id, sku: 'HELD-1', qty: 1 });
      const lines: string[] = [];
      p.wmsFaults.failRate = 1;
      const workers = await p.startWorkers(['routing', 'pick'], { maxDeliver: 3, retryBaseMs: 100, concurrency: 200, batchSize: 5, lingerMs: 5 }, (line) => lines.push(line));
      await Promise.all(ids.map((id) => p.bus.js.publish(p.names.stageSubject('routing', 'shop'), JSON.stringify({ orderId: id }), { msgID: `routing:${id}` })));
      await eventually(async () => (lines.some((l) => l.startsWith('circuit wms: open')) ? true : undefined), 10_000, 'the WMS breaker open');
      await new Promise((r) => setTimeout(r, 2000));
      p.wmsFaults.failRate = 0;
      await eventually(async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from orders where id like 'shop:held%' and status = 'picking'`.execute(p.db);
        return rows[0]!.n === ids.length ? true : undefined;
      }, 30_000, 'every order picking');
      await workers.stop();
      expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  }, 90_000);
});
