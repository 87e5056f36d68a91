import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { listDeadLetters } from '../streams/dead-letter.ts';
import { processPiiKeyring } from '../streams/pii/keyring.ts';
import { sealResult } from '../streams/pii/seal-order.ts';
import { normalizeShop } from '../workers/ingest/adapters/shop.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

describe('an order Postgres refuses', () => {
  let p: TestPipeline;
  const log: string[] = [];

  beforeAll(async () => {
    p = await createTestPipeline();
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 100);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('is dead-lettered on its first delivery, naming the constraint, while the good order batched with it is notified', async () => {
    // Published past ingest, so sealed the way ingest seals them.
    const good = sealResult(normalizeShop(generateShopOrder(841)), processPiiKeyring());
    const bad = sealResult(normalizeShop(generateShopOrder(842)), processPiiKeyring());
    if (!good.ok || !bad.ok) throw new Error('fixtures do not normalize');
    // Two lines with one id break order_lines' primary key at dedupe: no retry can ever store it.
    const broken = { ...bad.order, lines: [bad.order.lines[0]!, bad.order.lines[0]!] };
    const encoder = new TextEncoder();
    for (const order of [broken, good.order]) {
      await p.bus.js.publish(p.names.stageSubject('dedupe', 'shop'), encoder.encode(JSON.stringify(order)));
    }
    // The production delivery limit: one attempt out of eight says it was not retried.
    await p.startWorkers(undefined, { maxDeliver: 8, lingerMs: 300 }, (line) => log.push(line));

    const [letter, ...more] = await eventually(async () => {
      const letters = await listDeadLetters(p.bus.js, p.bus.jsm, p.names);
      return letters.length > 0 ? letters : undefined;
    }, 20_000, 'the bad order dead-lettered');
    expect(more).toEqual([]);
    expect(letter).toMatchObject({ stage: 'dedupe', attempts: 1 });
    expect(letter!.error).toBe(
      `refused by Postgres: duplicate key value violates unique constraint "order_lines_pkey" (SQLSTATE 23505, table order_lines, constraint order_lines_pkey): ` +
        `Key (order_id, line_id)=(${broken.id}, ${broken.lines[0]!.lineId}) already exists.`,
    );
    expect(JSON.parse(new TextDecoder().decode(letter!.payload))).toEqual(broken);

    await eventually(async () => ((await p.db.selectFrom('orders').select('status').where('id', '=', good.order.id).executeTakeFirst())?.status === 'notified' ? true : undefined), 20_000, `${good.order.id} notified`);
    expect(await p.db.selectFrom('orders').select('id').where('id', '=', broken.id).executeTakeFirst()).toBeUndefined();
    // Both went in one batch, which failed; each was then tried alone.
    expect(log.filter((line) => line.startsWith('dedupe: batch of'))).toEqual([expect.stringMatching(/^dedupe: batch of 2 failed: refused by Postgres: duplicate key value/)]);
  });
});
