import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOP } from '../scripts/simulators/platforms/shop-platform.ts';
import { DOUYIN } from '../scripts/simulators/platforms/douyin-platform.ts';
import { JD } from '../scripts/simulators/platforms/jd-platform.ts';
import { PDD } from '../scripts/simulators/platforms/pdd-platform.ts';
import { TMALL } from '../scripts/simulators/platforms/tmall-platform.ts';
import {
  startPlatformSimulator,
  type PlatformDefinition,
  type PlatformSimulator,
  type PlatformSimulatorOptions,
} from '../scripts/simulators/platforms/platform-simulator.ts';
import { startPlatformSimulators } from '../scripts/simulators/platforms/start-platform-simulators.ts';
import { demoCredentials } from '../scripts/simulators/platforms/platform-auth.ts';
import { Secret } from '../workers/ingest/connectors/secret.ts';
import { ShopAuth } from '../workers/ingest/connectors/shop-auth.ts';
import { readCursor } from '../sql/queries/connector-cursors.ts';
import { CHANNELS, type Channel } from '../streams/canonical-order.ts';
import { floorToSecond } from '../workers/ingest/connectors/china-clock.ts';
import { PlatformRequestError } from '../workers/ingest/connectors/connector-errors.ts';
import { platformApiFor } from '../workers/ingest/connectors/platforms/platform-api-for.ts';
import { DEFAULT_PULL, newPullStats, pollOnce, runPullConnector, type PullSettings, type PullTarget } from '../workers/ingest/connectors/pull-connector.ts';
import { startWebhookServer } from '../workers/ingest/connectors/webhook-server.ts';
import { signWebhookBody } from '../workers/ingest/connectors/webhook-signature.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const SECRET = 'connectors-test-secret-0123456789';
const MINUTE = 60_000;
/** The marketplaces sign every call: their simulators run strict, checking signature, timestamp and token. */
const SIGNED: ReadonlySet<Channel> = new Set(['tmall', 'jd', 'douyin', 'pdd']);
const STRICT = Object.fromEntries(CHANNELS.filter((c) => SIGNED.has(c)).map((c) => [c, demoCredentials(c, c)]));
const credentialsOf = (channel: Channel) => STRICT[channel]!;

describe('channel connectors', () => {
  let p: TestPipeline;
  const logs: string[] = [];
  const sims: PlatformSimulator<unknown>[] = [];
  const abort = new AbortController();

  const settings = (over: Partial<PullSettings> = {}): PullSettings => ({ ...DEFAULT_PULL, intervalMs: 100, retryBaseMs: 50, overlapMs: 5000, ...over });
  const deps = (nowMs?: number) => ({ js: p.bus.js, names: p.names, db: p.db, log: (line: string) => logs.push(line), ...(nowMs === undefined ? {} : { now: () => nowMs }) });
  const targetOf = (sim: PlatformSimulator<unknown>, shop?: string, pageSize?: number): PullTarget => ({
    channel: sim.channel,
    shop: shop ?? sim.channel,
    api: platformApiFor(sim.channel, { baseUrl: sim.url, ...(pageSize ? { pageSize } : {}), ...(sim.auth ? { auth: shopAuthOf(sim) } : {}) }),
  });
  const shopAuthOf = (sim: PlatformSimulator<unknown>) => {
    const creds = credentialsOf(sim.channel);
    const tokens = { accessToken: new Secret(creds.accessToken), refreshToken: new Secret(creds.refreshToken), expiresAt: sim.auth!.tokenExpiresAt };
    return new ShopAuth({ appKey: creds.appKey, appSecret: new Secret(creds.appSecret), tokens });
  };
  const simulate = async <P>(def: PlatformDefinition<P>, opts: PlatformSimulatorOptions): Promise<PlatformSimulator<P>> => {
    const sim = await startPlatformSimulator(def, { ...(SIGNED.has(def.channel) ? { auth: credentialsOf(def.channel) } : {}), ...opts });
    sims.push(sim as PlatformSimulator<unknown>);
    return sim;
  };
  const rowsOf = (channel: Channel) =>
    p.db.selectFrom('orders').select(['external_id', 'status']).where('channel', '=', channel).execute();
  const idsOf = async (channel: Channel) => (await rowsOf(channel)).map((r) => r.external_id).sort();
  /** Ingested ids of `sim`'s orders (the channel's table also holds other tests' orders). */
  const idsFrom = async (sim: PlatformSimulator<unknown>) => (await idsOf(sim.channel)).filter((id) => sim.order(id) !== undefined);
  /** Waits until ingest and dedupe have handled everything published so far. */
  const drained = () =>
    eventually(
      async () => {
        for (const stage of ['ingest', 'dedupe'] as const) {
          const info = await p.bus.jsm.consumers.info(p.names.stageStream(stage), p.names.durable(stage));
          if (info.num_pending + info.num_ack_pending > 0) return undefined;
        }
        return true;
      },
      15_000,
      'ingest and dedupe to drain',
    );
  const ingestStored = async () => (await p.bus.jsm.streams.info(p.names.stageStream('ingest'))).state.last_seq;

  beforeAll(async () => {
    p = await createTestPipeline();
    await p.startWorkers(['ingest', 'dedupe']);
  });
  afterAll(async () => {
    abort.abort();
    await Promise.all(sims.map((s) => s.close()));
    await p?.close();
  });

  it("brings every platform's orders in, in its own format and paging, and later updates of them", async () => {
    const all = await startPlatformSimulators({ channels: CHANNELS, auth: STRICT });
    try {
      const createdAt = new Date(Date.now() - 10 * MINUTE);
      const expected = new Map<Channel, string[]>();
      for (const channel of CHANNELS) {
        const sim = all.simulators[channel]!;
        expected.set(channel, Array.from({ length: 7 }, (_, i) => sim.addOrder({ createdAt: new Date(createdAt.getTime() + i * 1000) }).externalId).sort());
      }
      // Pages of 3: every platform's paging is exercised (7 orders = 3 pages).
      const targets = CHANNELS.map((c) => targetOf(all.simulators[c]! as PlatformSimulator<unknown>, undefined, 3));
      // A poll reads up to the current whole second and leaves the cursor there.
      const firstPollAt = floorToSecond(Date.now());
      await Promise.all(targets.map((t) => pollOnce(t, settings({ initialLookbackMs: 15 * MINUTE }), deps(firstPollAt), newPullStats(t.channel, t.shop), abort.signal)));
      await drained();
      for (const channel of CHANNELS) expect(await idsOf(channel), channel).toEqual(expected.get(channel));

      // The platforms stop two orders each; the next poll brings the new versions in, and dedupe
      // stops the orders. (A paid Pinduoduo group buy cannot be cancelled, only refunded.)
      const marketplaces = CHANNELS.filter((c) => c !== 'pos');
      for (const channel of marketplaces) {
        for (const id of expected.get(channel)!.slice(0, 2)) {
          const formedGroupBuy = channel === 'pdd' && all.simulators.pdd!.order(id)!.payload.confirm_status === 1;
          all.simulators[channel]!.updateOrder(id, formedGroupBuy ? 'refunded' : 'cancelled');
        }
      }
      // A poll still within the cursor's second has nothing to read yet (what changes in that
      // second comes with the next poll, through the overlap); the "next poll" here is one in a
      // later second, even when everything above took less than a second.
      const secondPollAt = Math.max(Date.now(), firstPollAt + 1000);
      const secondStats = targets.map((t) => newPullStats(t.channel, t.shop));
      await Promise.all(targets.map((t, i) => pollOnce(t, settings(), deps(secondPollAt), secondStats[i]!, abort.signal)));
      for (const stats of secondStats) expect(stats.published, stats.channel).toBe(stats.channel === 'pos' ? 0 : 2);
      await drained();
      for (const channel of marketplaces) {
        const rows = await rowsOf(channel);
        expect(rows, channel).toHaveLength(7);
        expect(rows.filter((r) => r.status === 'cancelled').map((r) => r.external_id).sort(), channel).toEqual(expected.get(channel)!.slice(0, 2));
      }
    } finally {
      await all.close();
    }
  });

  it('makes ONE order of the same order delivered five times by poll and webhook', async () => {
    const shop = await simulate(SHOP, { firstSeq: 2_000_000 });
    const now = floorToSecond(Date.now());
    const order = shop.addOrder({ createdAt: new Date(now - 2000) });
    const webhook = await startWebhookServer({ js: p.bus.js, names: p.names, secrets: { shop: SECRET }, port: 0, log: (l) => logs.push(l) });
    try {
      const before = await ingestStored();
      const stats = newPullStats('shop', 'five-times');
      const target = targetOf(shop as PlatformSimulator<unknown>, 'five-times');
      await pollOnce(target, settings({ initialLookbackMs: MINUTE }), deps(now), stats, abort.signal);
      // Four webhook deliveries, each formatted differently so JetStream's duplicate window
      // cannot absorb them: all four reach the pipeline, as deliveries from different paths do.
      for (const indent of [1, 2, 3, 4]) {
        const body = JSON.stringify(order.payload, null, indent);
        const res = await fetch(`${webhook.url}/webhooks/shop`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'x-shopify-topic': indent % 2 ? 'orders/create' : 'orders/updated', 'x-shopify-hmac-sha256': signWebhookBody(SECRET, body) },
        });
        expect(res.status).toBe(200);
      }
      // The overlap re-reads the order: byte for byte the same, so JetStream stores it once.
      await pollOnce(target, settings(), deps(now + 1000), stats, abort.signal);
      expect(stats.published).toBe(1);
      expect(stats.duplicates).toBe(1);
      expect(webhook.stats.accepted).toBe(4);
      expect((await ingestStored()) - before).toBe(5);

      await drained();
      const rows = await p.db.selectFrom('orders').select(['id', 'stale_updates']).where('channel', '=', 'shop').where('external_id', '=', order.externalId).execute();
      expect(rows).toEqual([{ id: `shop:${order.externalId}`, stale_updates: 0 }]);
    } finally {
      await webhook.close();
    }
  });

  it('catches an order on the window edge, and one shown late with a time just before the cursor', async () => {
    const tmall = await simulate(TMALL, { firstSeq: 3_000_000 });
    const t1 = floorToSecond(Date.now()) - 9 * MINUTE;
    const t0 = t1 - MINUTE;
    const overlapMs = 5000;
    const atEnd = tmall.addOrder({ createdAt: new Date(t0), modifiedAt: new Date(t1) }).externalId;
    const atStart = tmall.addOrder({ createdAt: new Date(t0 - overlapMs), modifiedAt: new Date(t0 - overlapMs) }).externalId;
    const beforeStart = tmall.addOrder({ createdAt: new Date(t0 - overlapMs - 1000) }).externalId;
    const target = targetOf(tmall as PlatformSimulator<unknown>, 'edge');
    const pull = settings({ overlapMs, initialLookbackMs: MINUTE });

    await pollOnce(target, pull, deps(t1), newPullStats('tmall', 'edge'), abort.signal);
    expect((await readCursor(p.db, 'tmall', 'edge'))?.cursorAt.getTime()).toBe(t1);

    // Shown only now, though the platform says they changed before the cursor / on it.
    const late = tmall.addOrder({ createdAt: new Date(t1 - 3000), modifiedAt: new Date(t1 - 3000) }).externalId;
    const lateOnEdge = tmall.addOrder({ createdAt: new Date(t1), modifiedAt: new Date(t1) }).externalId;
    const t2 = t1 + 30_000;
    await pollOnce(target, pull, deps(t2), newPullStats('tmall', 'edge'), abort.signal);
    expect((await readCursor(p.db, 'tmall', 'edge'))?.cursorAt.getTime()).toBe(t2);

    await drained();
    expect(await idsFrom(tmall as PlatformSimulator<unknown>)).toEqual([atEnd, atStart, late, lateOnEdge].sort());
    expect(beforeStart).not.toBe(atStart);
  });

  it('misses the late order without the overlap (why the overlap exists)', async () => {
    const jd = await simulate(JD, { firstSeq: 4_000_000 });
    const t1 = floorToSecond(Date.now()) - 9 * MINUTE;
    const onTime = jd.addOrder({ createdAt: new Date(t1 - 10_000) }).externalId;
    const target = targetOf(jd as PlatformSimulator<unknown>, 'no-overlap');
    const pull = settings({ overlapMs: 0, initialLookbackMs: MINUTE });
    await pollOnce(target, pull, deps(t1), newPullStats('jd', 'no-overlap'), abort.signal);
    const late = jd.addOrder({ createdAt: new Date(t1 - 3000) }).externalId;
    await pollOnce(target, pull, deps(t1 + 30_000), newPullStats('jd', 'no-overlap'), abort.signal);
    await drained();
    expect(await idsFrom(jd as PlatformSimulator<unknown>)).toEqual([onTime]);
    expect(jd.order(late)).toBeDefined();
  });

  it('reads offset pages last first, so an order changing mid-read makes no other order be missed', async () => {
    const douyin = await simulate(DOUYIN, { firstSeq: 5_000_000 });
    const start = floorToSecond(Date.now()) - 5 * MINUTE;
    const ids = Array.from({ length: 6 }, (_, i) => douyin.addOrder({ createdAt: new Date(start + i * 1000) }).externalId);
    // While the connector pages (2 a page), the window's first order is updated just before the
    // third call: it leaves the window, and the orders behind it slide one place forward. Read
    // front to back (probe, pages 0, 1, 2), the third order would slide onto page 0, already
    // read, and never be seen; read back to front (probe, pages 2, 1, 0) it is on a page to come.
    let calls = 0;
    douyin.faults.failWhen = () => {
      if (++calls === 3) douyin.updateOrder(ids[0]!, 'readdressed');
      return false;
    };
    const stats = newPullStats('douyin', 'mid-read');
    const target = targetOf(douyin as PlatformSimulator<unknown>, 'mid-read', 2);
    const windowEnd = floorToSecond(Date.now()) - 1000;
    await pollOnce(target, settings({ initialLookbackMs: 6 * MINUTE }), deps(windowEnd), stats, abort.signal);
    douyin.faults.failWhen = undefined;
    // The five that stayed were all read in this poll; the changed one is after the window.
    expect(stats.published).toBe(5);
    await pollOnce(target, settings(), deps(), stats, abort.signal);
    await drained();
    expect(await idsFrom(douyin as PlatformSimulator<unknown>)).toEqual([...ids].sort());
  });

  it('retries a failed poll with backoff, alerting and counting it in Postgres, until it succeeds', async () => {
    const pdd = await simulate(PDD, { firstSeq: 6_000_000, faults: { failRate: 1 } });
    const ids = Array.from({ length: 3 }, (_, i) => pdd.addOrder({ createdAt: new Date(Date.now() - 20_000 + i * 1000) }).externalId);
    const stats = newPullStats('pdd', 'retry');
    const stop = new AbortController();
    const running = runPullConnector(targetOf(pdd as PlatformSimulator<unknown>, 'retry'), settings({ initialLookbackMs: MINUTE }), deps(), stats, stop.signal);
    try {
      const failing = await eventually(async () => {
        const cursor = await readCursor(p.db, 'pdd', 'retry');
        return cursor && cursor.consecutiveFailures >= 3 ? cursor : undefined;
      }, 10_000, 'three failed polls');
      const startedAt = failing.cursorAt.getTime();
      expect(failing.lastError).toContain('HTTP 503');
      expect(stats.published).toBe(0);
      expect(logs.some((l) => l.startsWith('ALERT connector pdd/retry: poll failed'))).toBe(true);

      pdd.faults.failRate = 0;
      const pddSim = pdd as PlatformSimulator<unknown>;
      await eventually(async () => ((await idsFrom(pddSim)).length === 3 ? true : undefined), 10_000, 'the orders after the platform recovered');
      expect(await idsFrom(pddSim)).toEqual([...ids].sort());
      const recovered = await eventually(async () => {
        const cursor = await readCursor(p.db, 'pdd', 'retry');
        return cursor && cursor.consecutiveFailures === 0 ? cursor : undefined;
      });
      expect(recovered.cursorAt.getTime()).toBeGreaterThan(startedAt);
      expect(recovered.failures).toBe(stats.failures);
      expect(recovered.failures).toBeGreaterThanOrEqual(3);
    } finally {
      stop.abort();
      await running;
    }
  });

  it('never moves the cursor past a window that was not published whole', async () => {
    const tmall = await simulate(TMALL, { firstSeq: 7_000_000 });
    const now = floorToSecond(Date.now());
    const ids = Array.from({ length: 5 }, (_, i) => tmall.addOrder({ createdAt: new Date(now - 30_000 + i * 1000) }).externalId);
    // Pages of 2: the probe of page 1, then pages 3, 2 and 1 again. The last call fails, after
    // three orders were published.
    let firstPageCalls = 0;
    tmall.faults.failWhen = (req) => req.query.get('page_no') === '1' && ++firstPageCalls === 2;
    const target = targetOf(tmall as PlatformSimulator<unknown>, 'half-window', 2);
    const pull = settings({ initialLookbackMs: MINUTE });
    const stats = newPullStats('tmall', 'half-window');
    await expect(pollOnce(target, pull, deps(now), stats, abort.signal)).rejects.toBeInstanceOf(PlatformRequestError);
    expect(stats.published).toBe(3);
    expect((await readCursor(p.db, 'tmall', 'half-window'))?.cursorAt.getTime()).toBe(now - MINUTE);

    tmall.faults.failWhen = undefined;
    await pollOnce(target, pull, deps(now + 1000), stats, abort.signal);
    expect((await readCursor(p.db, 'tmall', 'half-window'))?.cursorAt.getTime()).toBe(now + 1000);
    await drained();
    expect(await idsFrom(tmall as PlatformSimulator<unknown>)).toEqual([...ids].sort());
  });

  it('waits out 429 answers as Retry-After says, never calling during the ban', async () => {
    const pdd = await simulate(PDD, { firstSeq: 8_000_000, requestsPerSecond: 2, burst: 2 });
    const ids = Array.from({ length: 6 }, (_, i) => pdd.addOrder({ createdAt: new Date(Date.now() - 20_000 + i * 1000) }).externalId);
    const stats = newPullStats('pdd', 'limited');
    const target: PullTarget = {
      channel: 'pdd',
      shop: 'limited',
      api: platformApiFor('pdd', { baseUrl: pdd.url, auth: shopAuthOf(pdd as PlatformSimulator<unknown>), pageSize: 2, onRateLimited: () => stats.rateLimitedWaits++ }),
    };
    // Four calls (probe, pages 3, 2, 1) against two a second: at least one is refused.
    await pollOnce(target, settings({ initialLookbackMs: MINUTE }), deps(), stats, abort.signal);
    const sim = pdd.stats();
    expect(sim.rateLimited).toBeGreaterThanOrEqual(1);
    expect(sim.ignoredRetryAfter).toBe(0);
    expect(stats.rateLimitedWaits).toBe(sim.rateLimited);
    expect(stats.failures).toBe(0);
    await drained();
    expect(await idsFrom(pdd as PlatformSimulator<unknown>)).toEqual([...ids].sort());
  });
});
