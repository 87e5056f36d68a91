import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOUYIN } from '../scripts/simulators/platforms/douyin-platform.ts';
import { JD } from '../scripts/simulators/platforms/jd-platform.ts';
import { PDD } from '../scripts/simulators/platforms/pdd-platform.ts';
import { demoCredentials, type SimulatedCredentials } from '../scripts/simulators/platforms/platform-auth.ts';
import { startPlatformSimulator, type PlatformDefinition, type PlatformSimulator } from '../scripts/simulators/platforms/platform-simulator.ts';
import { TMALL } from '../scripts/simulators/platforms/tmall-platform.ts';
import { readCursor } from '../sql/queries/connector-cursors.ts';
import type { Channel } from '../streams/canonical-order.ts';
import { processPiiKeyring } from '../streams/pii/keyring.ts';
import { chinaDateOf, floorToSecond, formatChinaTime, parseChinaDay } from '../workers/ingest/connectors/china-clock.ts';
import { checkShopDailyCounts } from '../workers/ingest/connectors/count-check.ts';
import { platformApiFor } from '../workers/ingest/connectors/platforms/platform-api-for.ts';
import { signJd, signTop } from '../workers/ingest/connectors/platform-signing.ts';
import { DEFAULT_PULL, type PullSettings } from '../workers/ingest/connectors/pull-connector.ts';
import { Secret } from '../workers/ingest/connectors/secret.ts';
import { loadShopAccount, loadShopAccounts, saveShopAccount, type NewShopAccount } from '../workers/ingest/connectors/shop-accounts.ts';
import { shopAuthOf, startConnectors, type RunningConnectors } from '../workers/ingest/connectors/start-connectors.ts';
import { connectSimulatedPlatforms } from '../cli/commands/connect.ts';
import { snapshotReader } from '../tui/pipeline-snapshot.ts';
import { shopsToReauthorise } from '../tui/shop-connectors.ts';
import { shopAuthRegistry } from '../workers/ingest/connectors/shop-auth-metrics.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const MINUTE = 60_000;

describe('signed platform calls against strict simulators', () => {
  let p: TestPipeline;
  const logs: string[] = [];
  const sims: PlatformSimulator<unknown>[] = [];
  const running: RunningConnectors[] = [];
  const credentials: SimulatedCredentials[] = [];
  const keyring = processPiiKeyring();
  const pull: Partial<PullSettings> = { ...DEFAULT_PULL, intervalMs: 200, retryBaseMs: 200, overlapMs: 5000, initialLookbackMs: 10 * MINUTE };

  /** A strict simulator of one shop, and that shop registered with its credentials (or wrong ones). */
  const shopOn = async <P>(def: PlatformDefinition<P>, code: string, firstSeq: number, over: Partial<NewShopAccount> = {}) => {
    const creds = demoCredentials(def.channel, code);
    credentials.push(creds);
    const sim = (await startPlatformSimulator(def, { firstSeq, auth: creds })) as PlatformSimulator<unknown>;
    sims.push(sim);
    await saveShopAccount(
      p.db,
      {
        code,
        channel: def.channel,
        displayName: code,
        apiBaseUrl: sim.url,
        appKey: creds.appKey,
        appSecret: new Secret(creds.appSecret),
        accessToken: new Secret(creds.accessToken),
        refreshToken: new Secret(creds.refreshToken),
        expiresAt: sim.auth!.tokenExpiresAt,
        ...over,
      },
      keyring,
    );
    return { sim, creds };
  };
  const connect = async (codes: string[]) => {
    const shops = (await loadShopAccounts(p.db, keyring)).filter((a) => codes.includes(a.code));
    const c = await startConnectors({ js: p.bus.js, names: p.names, db: p.db, shops, keyring, pull, log: (line) => logs.push(line) });
    running.push(c);
    return c;
  };
  const ordersOf = (shop: string) => p.db.selectFrom('orders').select(['external_id', 'shop', 'channel']).where('shop', '=', shop).orderBy('external_id').execute();
  const addOrders = (sim: PlatformSimulator<unknown>, n: number) => Array.from({ length: n }, (_, i) => sim.addOrder({ createdAt: new Date(floorToSecond(Date.now()) - 3000 + i * 1000) }).externalId).sort();
  const arrived = (shop: string, ids: string[]) =>
    eventually(async () => ((await ordersOf(shop)).map((o) => o.external_id).join() === ids.join() ? true : undefined), 20_000, `${shop}'s orders`);

  beforeAll(async () => {
    p = await createTestPipeline();
    await p.startWorkers(['ingest', 'dedupe']);
  });
  afterAll(async () => {
    await Promise.all(running.map((c) => c.stop()));
    await Promise.all(sims.map((s) => s.close()));
    await p?.close();
  });

  it("signs each marketplace's calls its own way: all four strict simulators serve their orders", async () => {
    const shops: [PlatformDefinition<never>, string, number][] = [
      [TMALL as PlatformDefinition<never>, 'tmall-signed', 41_000_000],
      [JD as PlatformDefinition<never>, 'jd-signed', 42_000_000],
      [DOUYIN as PlatformDefinition<never>, 'douyin-signed', 43_000_000],
      [PDD as PlatformDefinition<never>, 'pdd-signed', 44_000_000],
    ];
    const expected = new Map<string, string[]>();
    for (const [def, code, seq] of shops) expected.set(code, addOrders((await shopOn(def, code, seq)).sim, 3));
    await connect(shops.map(([, code]) => code));
    for (const [def, code] of shops) {
      await arrived(code, expected.get(code)!);
      expect((await ordersOf(code)).every((o) => o.channel === def.channel)).toBe(true);
    }
    for (const sim of sims.slice(-4)) expect(sim.auth!.stats.refused, sim.channel).toEqual({ app_key: 0, sign: 0, timestamp: 0, token: 0, refresh_token: 0 });
  });

  it('is refused for a wrong signature: the poll fails with the platform error, alerting, the cursor kept', async () => {
    const { sim } = await shopOn(TMALL, 'tmall-wrong-secret', 45_000_000, { appSecret: new Secret('not-the-app-secret') });
    addOrders(sim, 2);
    const c = await connect(['tmall-wrong-secret']);
    await eventually(async () => (c.pollers[0]!.failures >= 1 ? true : undefined), 10_000, 'a failed poll');
    expect(sim.auth!.stats.refused.sign).toBeGreaterThanOrEqual(1);
    expect(c.pollers[0]!.lastError).toMatch(/TOP error 25 Invalid signature/);
    expect(logs.some((l) => l.startsWith('ALERT connector tmall/tmall-wrong-secret: poll failed'))).toBe(true);
    const cursor = await readCursor(p.db, 'tmall', 'tmall-wrong-secret');
    expect(cursor?.published).toBe(0);
    expect(cursor?.consecutiveFailures).toBeGreaterThanOrEqual(1);
    await c.stop();
    expect(await ordersOf('tmall-wrong-secret')).toEqual([]);
  });

  it('refuses a stale timestamp with the platform error code, the sign being right', async () => {
    const { sim, creds } = await shopOn(TMALL, 'tmall-clock', 46_000_000);
    const call = (at: number) => {
      const params: Record<string, string> = { method: 'taobao.trades.sold.get', app_key: creds.appKey, session: creds.accessToken, timestamp: formatChinaTime(at), v: '2.0', format: 'json', sign_method: 'md5', fields: 'tid', start_created: formatChinaTime(at - MINUTE), end_created: formatChinaTime(at) };
      return fetch(`${sim.url}/router/rest?${new URLSearchParams({ ...params, sign: signTop(params, creds.appSecret) })}`).then((r) => r.json());
    };
    expect(await call(Date.now())).toHaveProperty('trades_sold_get_response');
    expect(await call(Date.now() - 11 * MINUTE)).toMatchObject({ error_response: { code: 31, msg: 'Invalid timestamp' } });
    expect(sim.auth!.stats.refused.timestamp).toBe(1);
  });

  it('refreshes an expired token after the platform says so, stores the new pair sealed, and carries on', async () => {
    const { sim, creds } = await shopOn(JD, 'jd-expiring', 47_000_000);
    const first = addOrders(sim, 2);
    const c = await connect(['jd-expiring']);
    await arrived('jd-expiring', first);
    sim.auth!.expireToken();
    const second = [...first, ...addOrders(sim, 2)].sort();
    await arrived('jd-expiring', second);
    expect(sim.auth!.stats.refused.token).toBeGreaterThanOrEqual(1);
    expect(sim.auth!.stats.refreshes).toBe(1);
    expect(c.pollers[0]!.tokenRefreshes).toBe(1);
    const stored = await loadShopAccount(p.db, 'jd-expiring', keyring);
    expect(stored!.accessToken.reveal()).toBe(`${creds.accessToken}-r1`);
    expect(stored!.refreshToken.reveal()).toBe(`${creds.refreshToken}-r1`);
    expect(stored!.expiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it('refreshes ahead of expiry, without a refused call', async () => {
    const { sim } = await shopOn(PDD, 'pdd-ahead', 48_000_000, { expiresAt: new Date(Date.now() + 60_000) });
    const ids = addOrders(sim, 2);
    const c = await connect(['pdd-ahead']);
    await arrived('pdd-ahead', ids);
    expect(sim.auth!.stats.refreshes).toBe(1);
    expect(sim.auth!.stats.refused.token).toBe(0);
    expect(c.pollers[0]!.tokenRefreshes).toBe(1);
    const metrics = await shopAuthRegistry.metrics();
    expect(metrics).toContain('ordersurge_shop_auth_failed{channel="pdd",shop="pdd-ahead"} 0');
    expect(metrics).toContain('ordersurge_shop_token_refreshes_total{channel="pdd",shop="pdd-ahead",outcome="ok"} 1');
  });

  it('takes up the pair another process refreshed and stored, rather than refresh with a retired refresh token', async () => {
    const { sim } = await shopOn(TMALL, 'tmall-shared', 53_000_000);
    const first = addOrders(sim, 1);
    const c = await connect(['tmall-shared']);
    await arrived('tmall-shared', first);
    // count-check --shops in another process: its copy of the account is near expiry, so it
    // refreshes and stores the new pair; the platform retires the pair this connector holds.
    const account = (await loadShopAccount(p.db, 'tmall-shared', keyring))!;
    const other = shopAuthOf({ ...account, expiresAt: new Date(Date.now() + 60_000) }, { db: p.db, keyring, log: (line) => logs.push(line) });
    const api = platformApiFor('tmall', { baseUrl: sim.url, auth: other });
    for await (const page of api.ordersModified({ fromMs: Date.now() - MINUTE, toMs: Date.now() }, new AbortController().signal)) expect(page.length).toBeGreaterThan(0);
    expect(sim.auth!.stats.refreshes).toBe(1);
    const later = addOrders(sim, 1);
    await arrived('tmall-shared', [...first, ...later].sort());
    expect(sim.auth!.stats.refreshesRefused).toBe(0);
    expect(c.pollers[0]!.tokenRefreshFailures).toBe(0);
    expect((await loadShopAccount(p.db, 'tmall-shared', keyring))!.refreshFailure).toBeUndefined();
    expect(logs).toContain('connector tmall/tmall-shared: using the token pair stored for the shop since (refreshed elsewhere, or re-authorized)');
    await c.stop();
  });

  it('alerts when the refresh is refused, marks the shop for re-authorization and keeps the cursor', async () => {
    const { sim } = await shopOn(DOUYIN, 'douyin-revoked', 49_000_000);
    const first = addOrders(sim, 1);
    const c = await connect(['douyin-revoked']);
    await arrived('douyin-revoked', first);
    const cursorBefore = (await readCursor(p.db, 'douyin', 'douyin-revoked'))!.cursorAt;
    sim.auth!.refuseRefresh = true;
    sim.auth!.expireToken();
    await eventually(async () => (c.pollers[0]!.tokenRefreshFailures >= 1 && c.pollers[0]!.failures >= 1 ? true : undefined), 10_000, 'a refused refresh');
    expect(logs.some((l) => l.startsWith('ALERT connector douyin/douyin-revoked: token refresh failed'))).toBe(true);
    const account = await loadShopAccount(p.db, 'douyin-revoked', keyring);
    expect(account!.refreshFailure?.error).toMatch(/token refresh failed/);
    expect((await readCursor(p.db, 'douyin', 'douyin-revoked'))!.cursorAt.getTime()).toBeGreaterThanOrEqual(cursorBefore.getTime());
    expect(sim.auth!.stats.refreshesRefused).toBeGreaterThanOrEqual(1);
    // Prometheus sees it: the gauge the alert rule OrdersurgeShopAuthFailed reads, and the refusals counted.
    const metrics = await shopAuthRegistry.metrics();
    expect(metrics).toContain('ordersurge_shop_auth_failed{channel="douyin",shop="douyin-revoked"} 1');
    expect(metrics).toMatch(/ordersurge_shop_token_refreshes_total\{channel="douyin",shop="douyin-revoked",outcome="failed"\} [1-9]/);
    // And status and the console list it among the shops to re-authorise, with its cursor's last move.
    const { shops } = await snapshotReader(p.bus.jsm, p.db, p.names).readOrders();
    const revoked = shopsToReauthorise(shops).find((s) => s.shop === 'douyin-revoked');
    expect(revoked).toMatchObject({ channel: 'douyin', registered: true, reauthorise: { error: expect.stringMatching(/^token refresh failed/) } });
    expect(revoked!.lastAdvancedAt).toBeInstanceOf(Date);
    expect(revoked!.published).toBeGreaterThanOrEqual(1);
    await c.stop();
  });

  it("answers a signed JD call whose 360buy_param_json is not JSON in JD's error envelope, not a 500", async () => {
    const creds = demoCredentials('jd', 'jd-malformed');
    const sim = (await startPlatformSimulator(JD, { firstSeq: 52_000_000, auth: creds })) as PlatformSimulator<unknown>;
    sims.push(sim);
    const query: Record<string, string> = {
      method: 'jingdong.pop.order.search',
      v: '2.0',
      app_key: creds.appKey,
      timestamp: formatChinaTime(Date.now()),
      access_token: creds.accessToken,
      '360buy_param_json': '{"start_date": "2026-12-07 10:00:00",',
    };
    query.sign = signJd(query, creds.appSecret);
    const res = await fetch(`${sim.url}/routerjson?${new URLSearchParams(query).toString()}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ error_response: { code: '61', zh_desc: '参数错误: 360buy_param_json: is not a JSON object', en_desc: 'invalid parameter: 360buy_param_json: is not a JSON object' } });
  });

  it('polls two shops of one platform side by side, each with its cursor, and never mixes their orders', async () => {
    const a = await shopOn(JD, 'jd-north', 50_000_000);
    const b = await shopOn(JD, 'jd-south', 51_000_000);
    const idsA = addOrders(a.sim, 3);
    const idsB = addOrders(b.sim, 2);
    await connect(['jd-north', 'jd-south']);
    await arrived('jd-north', idsA);
    await arrived('jd-south', idsB);
    const cursorA = await readCursor(p.db, 'jd', 'jd-north');
    const cursorB = await readCursor(p.db, 'jd', 'jd-south');
    expect(cursorA?.published).toBe(3);
    expect(cursorB?.published).toBe(2);
    // A's credentials are no good at B: each shop's calls are its own.
    expect(b.sim.auth!.stats.refused.app_key + a.sim.auth!.stats.refused.app_key).toBe(0);

    // The daily count check per shop: each store's day against its own orders, not the channel's.
    const day = parseChinaDay(chinaDateOf(Date.now()))!;
    const accounts = (await loadShopAccounts(p.db, keyring, 'jd')).filter((s) => s.code === 'jd-north' || s.code === 'jd-south');
    const shops = accounts.map((s) => ({ code: s.code, api: platformApiFor('jd', { baseUrl: s.apiBaseUrl, auth: shopAuthOf(s, { db: p.db, keyring, log: (line) => logs.push(line) }) }) }));
    const counts = await checkShopDailyCounts(p.db, shops, day, AbortSignal.timeout(10_000));
    expect(counts.map((c) => [c.shop, c.platform, c.ingested, c.ok])).toEqual([
      ['jd-north', 3, 3, true],
      ['jd-south', 2, 2, true],
    ]);
  });

  it("runs the demo's platforms strict, through demo shop accounts it registers", async () => {
    const demo = await connectSimulatedPlatforms({ js: p.bus.js, names: p.names, db: p.db, rate: 5, channels: ['tmall', 'jd', 'douyin', 'pdd', 'shop'], log: (line) => logs.push(line) });
    try {
      const registered = (await loadShopAccounts(p.db, keyring)).map((a) => a.code);
      expect(registered).toEqual(expect.arrayContaining(['tmall', 'jd', 'douyin', 'pdd']));
      expect(registered).not.toContain('shop');
      for (const channel of ['tmall', 'jd', 'douyin', 'pdd'] as const) {
        const sim = demo.simulators.simulators[channel]!;
        expect(sim.auth, channel).toBeDefined();
        await eventually(async () => ((await ordersOf(channel)).length > 0 ? true : undefined), 20_000, `demo ${channel} orders`);
        expect(sim.auth!.stats.refused, channel).toEqual({ app_key: 0, sign: 0, timestamp: 0, token: 0, refresh_token: 0 });
      }
    } finally {
      await demo.stop();
    }
  });

  it('never writes a secret or token into the logs or the orders table', async () => {
    const everything = [...logs, ...(await sql<{ text: string }>`select o::text as text from orders o`.execute(p.db)).rows.map((r) => r.text)].join('\n');
    expect(everything.length).toBeGreaterThan(0);
    for (const c of credentials) {
      for (const secret of [c.appSecret, c.accessToken, c.refreshToken]) expect(everything).not.toContain(secret);
    }
    const channels = new Set((await p.db.selectFrom('orders').select('channel').execute()).map((r) => r.channel as Channel));
    expect([...channels].sort()).toEqual(['douyin', 'jd', 'pdd', 'shop', 'tmall']);
  });
});
