import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOP } from '../scripts/simulators/platforms/shop-platform.ts';
import { DEMO_CATALOGUE } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { admissionGate } from '../streams/admission.ts';
import { submitPayload } from '../streams/submit.ts';
import { startWebhookServer, type WebhookServer } from '../workers/ingest/connectors/webhook-server.ts';
import { startConnectors, type RunningConnectors } from '../workers/ingest/connectors/start-connectors.ts';
import { startPlatformSimulator } from '../scripts/simulators/platforms/platform-simulator.ts';
import { signWebhookBody } from '../workers/ingest/connectors/webhook-signature.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const SECRET = 'shop-webhook-secret-0123456789abcdef';
const LIMIT = 5;

describe('admission: intake holds while the core backlog is at its limit', () => {
  let p: TestPipeline;
  let server: WebhookServer;
  const body = (seq: number): { id: string; text: string } => {
    const at = Date.parse('2026-12-12T10:00:00+08:00');
    const { payload } = SHOP.create(seq, { createdMs: at, modifiedMs: at });
    return { id: `shop:${String(payload.id)}`, text: JSON.stringify(payload) };
  };
  const deliver = (text: string) =>
    fetch(`${server.url}/webhooks/shop`, { method: 'POST', body: text, headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': signWebhookBody(SECRET, text) } });

  beforeAll(async () => {
    p = await createTestPipeline();
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 1000);
    const gate = admissionGate(p.bus.jsm, p.names, LIMIT, 100);
    server = await startWebhookServer({ js: p.bus.js, names: p.names, secrets: { shop: SECRET }, port: 0, admission: gate, log: () => undefined });
  });
  afterAll(async () => {
    await server?.close();
    await p?.close();
  });

  it('answers 429 with Retry-After while saturated, nothing is lost, and takes the same delivery once there is room', async () => {
    // No workers yet: five orders sit in ingest, the core backlog is at its limit.
    const queued = [701, 702, 703, 704, 706].map(body); // paid ones: every fifth basket waits for payment
    for (const q of queued) await submitPayload(p.bus.js, p.names, 'shop', new TextEncoder().encode(q.text));
    const refused = body(799);
    const first = await deliver(refused.text);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await first.json()) as { error: string }).error).toContain('core backlog 5, limit 5');
    expect(server.stats.rejected.saturated).toBe(1);
    expect((await p.bus.jsm.streams.info(p.names.stageStream('ingest'))).state.messages).toBe(5);

    // Workers drain the backlog; the platform sends the refused delivery again and it goes through.
    await p.startWorkers();
    const notified = async (ids: string[]) => (await p.db.selectFrom('orders').select('id').where('id', 'in', ids).where('status', '=', 'notified').execute()).length;
    await eventually(async () => ((await notified(queued.map((q) => q.id))) === 5 ? true : undefined), 20_000, 'the queued orders notified');
    const again = await eventually(async () => {
      const answer = await deliver(refused.text);
      return answer.status === 200 ? answer : undefined;
    }, 10_000, 'the delivery accepted');
    expect(((await again.json()) as { accepted: boolean }).accepted).toBe(true);
    await eventually(async () => ((await notified([refused.id])) === 1 ? true : undefined), 20_000, 'the refused order notified');
  }, 90_000);
});

describe('admission: a connector stops within a page when a piled-up window would overrun the limit', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await createTestPipeline();
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 10_000);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('publishes at most the limit and a page while the core backlog is full, and the rest once it drains', async () => {
    const sim = await startPlatformSimulator(SHOP, { firstSeq: 90_000 });
    const gate = admissionGate(p.bus.jsm, p.names, 60, 100);
    let connectors: RunningConnectors | undefined;
    try {
      // 400 orders waiting at the platform, all in the first window: 8 pages of 50.
      const now = Date.now();
      for (let i = 0; i < 400; i++) sim.addOrder({ createdAt: new Date(now - 30_000 + (i % 20) * 1000) });
      connectors = await startConnectors({ js: p.bus.js, names: p.names, db: p.db, platforms: [{ channel: 'shop', url: sim.url }], pageSize: 50, pull: { intervalMs: 200, overlapMs: 5000, initialLookbackMs: 120_000 }, admission: gate, log: () => undefined });
      // No workers: what intake let in sits in ingest.
      await eventually(async () => ((await p.bus.jsm.streams.info(p.names.stageStream('ingest'))).state.messages >= 60 ? true : undefined), 10_000, 'intake up to the limit');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const held = (await p.bus.jsm.streams.info(p.names.stageStream('ingest'))).state.messages;
      expect(held).toBeGreaterThanOrEqual(60);
      expect(held).toBeLessThanOrEqual(60 + 50);
      await p.startWorkers();
      const received = async () => Number((await p.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      await eventually(async () => ((await received()) === 400 ? true : undefined), 60_000, 'all 400 taken in');
    } finally {
      await connectors?.stop();
      await sim.close();
    }
  }, 90_000);
});

