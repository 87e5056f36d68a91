import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStock } from '../sql/queries/inventory.ts';
import { createTestPipeline, eventually, insertPricedOrder, type TestPipeline } from './pipeline-harness.ts';
import { useShortBreakers } from './short-breakers.ts';

describe('an SMS gateway outage', () => {
  let p: TestPipeline;
  useShortBreakers();
  const setSmsFailRate = (failRate: number) => fetch(`${p.sms.url}/admin/faults`, { method: 'POST', body: JSON.stringify({ failRate }) });

  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('holds the notify messages while the gateway is down, then texts every buyer once, none dead-lettered', async () => {
    await setStock(p.db, 'SMS-OUT', 'suzhou', 1000);
    const ids = Array.from({ length: 40 }, (_, i) => `shop:sms${i}`);
    for (const id of ids) await insertPricedOrder(p.db, { id, sku: 'SMS-OUT', qty: 1 });
    const lines: string[] = [];
    // A delivery limit of 3 with 100 ms retries: without the breaker the outage would dead-letter every order within seconds.
    const workers = await p.startWorkers(['routing', 'pick', 'waybill', 'notify'], { maxDeliver: 3, retryBaseMs: 100 }, (line) => lines.push(line));
    await setSmsFailRate(1);
    for (const id of ids) await p.bus.js.publish(p.names.stageSubject('routing', 'shop'), JSON.stringify({ orderId: id }), { msgID: `routing:${id}` });
    await eventually(async () => (lines.some((l) => l.startsWith('circuit sms: open')) ? true : undefined), 15_000, 'the SMS breaker open');
    await new Promise((r) => setTimeout(r, 4000));
    await setSmsFailRate(0);
    await eventually(async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from orders where id like 'shop:sms%' and status = 'notified'`.execute(p.db);
      return rows[0]!.n === ids.length ? true : undefined;
    }, 30_000, 'every order notified');
    await workers.stop();
    expect((await p.bus.jsm.streams.info(p.names.deadLetterStream)).state.messages).toBe(0);
    expect(lines.filter((l) => l.startsWith('circuit sms:')).map((l) => l.split(';')[0])).toEqual(expect.arrayContaining(['circuit sms: open', 'circuit sms: half_open', 'circuit sms: closed']));
    const stats = (await (await fetch(`${p.sms.url}/stats`)).json()) as { byTemplate: Record<string, number> };
    expect(stats.byTemplate.being_packed).toBe(ids.length);
  }, 90_000);
});
