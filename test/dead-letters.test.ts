import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateShopOrder, DEMO_CATALOGUE } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { listDeadLetters } from '../streams/dead-letter.ts';
import { readPipelineStatus } from '../streams/pipeline-status.ts';
import { redriveOrders } from '../streams/redrive.ts';
import { STAGES } from '../streams/pipeline.ts';
import { submitPayload } from '../streams/submit.ts';
import { replayWithOrders } from '../workers/dead-lettered-order.ts';
import { normalizeShop } from '../workers/ingest/adapters/shop.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

/** Sets the share of 503s the test pipeline's SMS gateway simulator answers (`POST /admin/faults`). */
async function setSmsFailRate(p: TestPipeline, failRate: number): Promise<void> {
  const res = await fetch(`${p.sms.url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ failRate }) });
  if (!res.ok) throw new Error(`SMS simulator faults: HTTP ${res.status}`);
}

describe('dead letters', () => {
  let p: TestPipeline;

  const saved = { ...process.env };

  beforeAll(async () => {
    // A breaker that never opens: the SMS gateway is then called as plainly as a service without
    // one, so a message whose call keeps failing spends its deliveries (with one, it would be held
    // through the outage instead: test/carrier-outage.test.ts).
    Object.assign(process.env, { ORDERSURGE_BREAKER_FAILURES: '1000000', ORDERSURGE_BREAKER_RETRY_MS: '20' });
    // Three deliveries, so a message that keeps failing gives up within a second or so.
    p = await createTestPipeline();
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 100);
    await p.startWorkers(STAGES, { maxDeliver: 3 });
  });
  afterAll(async () => {
    await p?.close();
    process.env = saved;
  });

  it('keeps a message that failed past its delivery limit, with stage, error and attempts, and replays it once the cause is fixed', async () => {
    // The SMS gateway answers 503 to everything, and its breaker (above) never opens, so the
    // notify message fails on each delivery.
    await setSmsFailRate(p, 1);
    const payload = generateShopOrder(801);
    const id = `shop:${String(payload.id)}`;
    await submitPayload(p.bus.js, p.names, 'shop', new TextEncoder().encode(JSON.stringify(payload)));
    const [letter] = await eventually(async () => {
      const letters = await listDeadLetters(p.bus.js, p.bus.jsm, p.names, { stage: 'notify' });
      return letters.length > 0 ? letters : undefined;
    }, 20_000, 'a notify dead letter');
    expect(letter).toMatchObject({ stage: 'notify', attempts: 3, subject: p.names.stageSubject('notify', 'shop') });
    expect(letter!.error).toMatch(/HTTP 503 .*gave up after 3 attempts/);
    expect(JSON.parse(new TextDecoder().decode(letter!.payload))).toEqual({ orderId: id });
    const status = await readPipelineStatus(p.bus.jsm, p.names);
    expect(status.stages.find((s) => s.stage === 'notify')?.deadLetters).toBe(1);

    // Not left in 'waybilled' where nothing shows it: an exception naming the stage and the reason.
    // The runner flags the order just after the letter is stored: wait for it rather than race it.
    const flagged = await eventually(async () => {
      const row = await p.db.selectFrom('orders').select(['status', 'exception_type', 'exception_detail']).where('id', '=', id).executeTakeFirstOrThrow();
      return row.status === 'exception' ? row : undefined;
    }, 10_000, `${id} flagged dead_letter`);
    expect(flagged).toEqual({ status: 'exception', exception_type: 'dead_letter', exception_detail: `notify: ${letter!.error}` });

    await setSmsFailRate(p, 0);
    const { replayed, ordersPutBack } = await replayWithOrders(p.db, p.bus, p.names, [letter!]);
    expect([replayed.length, ordersPutBack]).toEqual([1, 1]);
    await eventually(async () => ((await p.db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirst())?.status === 'notified' ? true : undefined), 20_000, `${id} notified after replay`);
    expect(await listDeadLetters(p.bus.js, p.bus.jsm, p.names)).toEqual([]);
  });
});

describe('re-driving from Postgres', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await createTestPipeline();
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 100);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('moves on an order whose stage message was lost, and does nothing twice when repeated', async () => {
    const payload = generateShopOrder(811);
    const id = `shop:${String(payload.id)}`;
    // Only ingest, dedupe and pricing run: the order stops at 'priced' with its routing message
    // queued; purging the routing queue plays the crash that loses it.
    const early = await p.startWorkers(['ingest', 'dedupe', 'pricing']);
    await submitPayload(p.bus.js, p.names, 'shop', new TextEncoder().encode(JSON.stringify(payload)));
    await eventually(async () => ((await p.db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirst())?.status === 'priced' ? true : undefined), 20_000, `${id} priced`);
    await p.bus.jsm.streams.purge(p.names.stageStream('routing'));
    await early.stop();
    await p.startWorkers();

    const stuck = [{ id, channel: 'shop', status: 'priced' as const }];
    expect(await redriveOrders(p.bus.js, p.names, stuck, 'a')).toBe(1);
    expect(await redriveOrders(p.bus.js, p.names, stuck, 'b')).toBe(1);
    await eventually(async () => ((await p.db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirst())?.status === 'notified' ? true : undefined), 20_000, `${id} notified`);
    const carrier = (await (await fetch(`${p.carrier.url}/stats`)).json()) as { issued: number };
    expect(carrier.issued).toBe(1);
    expect(await p.db.selectFrom('reservations').select('line_id').where('order_id', '=', id).execute()).toHaveLength((payload.line_items as unknown[]).length);
  });
});

describe('a bad message in a batch', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('fails alone: the good orders batched with it go through', async () => {
    const good = normalizeShop(generateShopOrder(821));
    const bad = normalizeShop(generateShopOrder(822));
    if (!good.ok || !bad.ok) throw new Error('fixtures do not normalize');
    // Two lines with one id break order_lines' primary key: the whole batch insert fails.
    const broken = { ...bad.order, lines: [bad.order.lines[0]!, bad.order.lines[0]!] };
    const encoder = new TextEncoder();
    for (const order of [broken, good.order]) {
      await p.bus.js.publish(p.names.stageSubject('dedupe', 'shop'), encoder.encode(JSON.stringify(order)));
    }
    await p.startWorkers(['dedupe'], { maxDeliver: 2, lingerMs: 300 });
    await eventually(async () => p.db.selectFrom('orders').select('id').where('id', '=', good.order.id).executeTakeFirst(), 20_000, 'the good order stored');
    const [letter] = await eventually(async () => {
      const letters = await listDeadLetters(p.bus.js, p.bus.jsm, p.names, { stage: 'dedupe' });
      return letters.length > 0 ? letters : undefined;
    }, 20_000, 'the bad order dead-lettered');
    expect(letter!.error).toMatch(/duplicate key value violates unique constraint "order_lines_pkey"/);
    expect(await p.db.selectFrom('orders').select('id').where('id', '=', bad.order.id).executeTakeFirst()).toBeUndefined();
  });
});
