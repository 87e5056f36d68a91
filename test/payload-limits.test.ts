import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeadLetters, type DeadLetter } from '../streams/dead-letter.ts';
import { submitPayload } from '../streams/submit.ts';
import { DEFAULT_PULL, newPullStats, pollOnce } from '../workers/ingest/connectors/pull-connector.ts';
import type { PlatformApi } from '../workers/ingest/connectors/platform-api.ts';
import { loadFixture } from './fixtures/channels/load-fixture.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const encoder = new TextEncoder();
const shopFixture = loadFixture('shop', 'paid-multi-line.json') as Record<string, unknown>;

/** A valid shop order of `lines` one-yuan lines: about 50 bytes of payload per line, 180 of canonical order. */
function manyLineOrder(id: number, lines: number): Record<string, unknown> {
  return {
    ...shopFixture,
    id,
    total_discounts: '0.00',
    total_price: `${lines + 10}.00`,
    line_items: Array.from({ length: lines }, (_, i) => ({ id: i + 1, sku: 'S', quantity: 1, price: '1.00' })),
  };
}

describe('input that can never pass is dead-lettered at once, with its reason', () => {
  let p: TestPipeline;
  const letterFor = (pattern: RegExp): Promise<DeadLetter> =>
    eventually(async () => (await listDeadLetters(p.bus.js, p.bus.jsm, p.names)).find((l) => pattern.test(l.error)), 20_000, `a dead letter matching ${pattern}`);

  beforeAll(async () => {
    p = await createTestPipeline();
    // Retries fast, so a message wrongly treated as transient would reach the dead letters too, only later and after 8 attempts.
    await p.startWorkers(['ingest', 'dedupe'], { retryBaseMs: 20 });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('a valid order within the intake limit whose ingest -> dedupe message exceeds NATS max_payload', async () => {
    const payload = JSON.stringify(manyLineOrder(880001, 8000));
    expect(payload.length).toBeLessThan(512 * 1024);
    await submitPayload(p.bus.js, p.names, 'shop', encoder.encode(payload));
    const letter = await letterFor(/^message to dedupe:/);
    const limit = p.bus.nc.info!.max_payload;
    expect(letter.error).toMatch(new RegExp(`^message to dedupe: \\d+ bytes, over the NATS server's max_payload of ${limit}; it can never be published`));
    expect(letter).toMatchObject({ stage: 'ingest', attempts: 1 });
  });

  it('a payload over ORDERSURGE_MAX_PAYLOAD_BYTES that reached ingest by another way', async () => {
    const payload = JSON.stringify({ ...shopFixture, id: 880002, note: 'x'.repeat(600 * 1024) });
    await p.bus.js.publish(p.names.stageSubject('ingest', 'shop'), encoder.encode(payload));
    const letter = await letterFor(/^body: is \d+ bytes/);
    expect(letter.error).toBe(`body: is ${Buffer.byteLength(payload)} bytes, over the maximum payload of 524288 bytes (ORDERSURGE_MAX_PAYLOAD_BYTES)`);
    expect(letter.attempts).toBe(1);
  });

  it('JSON nested 5,000 deep and a lone surrogate, in ignored fields', async () => {
    const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
    const text = JSON.stringify({ ...shopFixture, id: 880003 }).replace(/^\{/, `{"ignored":${deep},`);
    await submitPayload(p.bus.js, p.names, 'shop', encoder.encode(text));
    expect((await letterFor(/^ignored\[0\]/)).error).toMatch(/^ignored(\[0\])+: is nested deeper than 64 levels$/);
    const lone = JSON.stringify({ ...shopFixture, id: 880004, landing_site: '\udc00' });
    await submitPayload(p.bus.js, p.names, 'shop', encoder.encode(lone));
    expect(await letterFor(/^landing_site:/)).toMatchObject({ error: 'landing_site: must be valid Unicode, got a lone surrogate (\\ud800-\\udfff)', attempts: 1 });
  });

  it('a platform order over the limit found by a connector: dead-lettered with the reason, the rest published, the window done', async () => {
    const big = { ...shopFixture, id: 880005, note: 'x'.repeat(600 * 1024) };
    const small = { ...shopFixture, id: 880006 };
    const api: PlatformApi = {
      channel: 'shop',
      maxWindowMs: 3600_000,
      async *ordersModified() {
        yield [big, small];
      },
      ordersCreated: () => Promise.resolve({ count: 0, externalIds: [] }),
    };
    const stats = newPullStats('shop', 'oversize');
    const logs: string[] = [];
    const now = Date.now();
    await pollOnce({ channel: 'shop', shop: 'oversize', api }, { ...DEFAULT_PULL, initialLookbackMs: 60_000 }, { js: p.bus.js, names: p.names, db: p.db, log: (l) => logs.push(l), now: () => now }, stats, new AbortController().signal);
    expect(stats).toMatchObject({ published: 1, refused: 1, polls: 1 });
    const letter = await letterFor(/keeps its first 65536 bytes/);
    expect(letter.error).toBe(`body: is ${Buffer.byteLength(JSON.stringify(big))} bytes, over the maximum payload of 524288 bytes (ORDERSURGE_MAX_PAYLOAD_BYTES) (the dead letter keeps its first 65536 bytes)`);
    expect(letter.stage).toBe('ingest');
    expect(logs).toEqual([expect.stringMatching(/^connector shop\/oversize: an order is \d+ bytes, over the maximum payload/)]);
  });
});
