import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOUYIN } from '../scripts/simulators/platforms/douyin-platform.ts';
import { JD } from '../scripts/simulators/platforms/jd-platform.ts';
import { PDD } from '../scripts/simulators/platforms/pdd-platform.ts';
import { demoCredentials } from '../scripts/simulators/platforms/platform-auth.ts';
import { startPlatformSimulator, type PlatformDefinition, type PlatformSimulator } from '../scripts/simulators/platforms/platform-simulator.ts';
import { SHOP } from '../scripts/simulators/platforms/shop-platform.ts';
import { shopRefundIdOf } from '../scripts/simulators/platforms/shop-refunds.ts';
import { TMALL } from '../scripts/simulators/platforms/tmall-platform.ts';
import { processPiiKeyring } from '../streams/pii/keyring.ts';
import { applyTicketCommand } from '../workers/aftersales/aftersales-tickets.ts';
import { listDeadLetters } from '../streams/dead-letter.ts';
import { chinaDateOf, floorToSecond } from '../workers/ingest/connectors/china-clock.ts';
import type { PlatformApi } from '../workers/ingest/connectors/platform-api.ts';
import { platformApiFor } from '../workers/ingest/connectors/platforms/platform-api-for.ts';
import { newAftersaleStats, pollAftersalesOnce } from '../workers/ingest/connectors/aftersale-connector.ts';
import { normalizeAftersale } from '../workers/ingest/adapters/normalize-aftersale.ts';
import { DEFAULT_PULL, type PullSettings } from '../workers/ingest/connectors/pull-connector.ts';
import { Secret } from '../workers/ingest/connectors/secret.ts';
import { loadShopAccounts, saveShopAccount } from '../workers/ingest/connectors/shop-accounts.ts';
import { shopAuthOf, startConnectors, type RunningConnectors } from '../workers/ingest/connectors/start-connectors.ts';
import type { ReconcileReport } from '../workers/reconcile/reconcile-report.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const MINUTE = 60_000;
const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));

describe('after-sales from the platforms, and their settlement files', () => {
  let p: TestPipeline;
  const logs: string[] = [];
  const sims: PlatformSimulator<unknown>[] = [];
  const running: RunningConnectors[] = [];
  const keyring = processPiiKeyring();
  const pull: PullSettings = { ...DEFAULT_PULL, intervalMs: 200, retryBaseMs: 200, overlapMs: 5000, initialLookbackMs: 10 * MINUTE };
  let dir: string;

  /** A strict simulator of one shop, registered with its credentials: every call is signed. */
  const shopOn = async <P>(def: PlatformDefinition<P>, code: string, firstSeq: number) => {
    const creds = demoCredentials(def.channel, code);
    const sim = (await startPlatformSimulator(def, { firstSeq, auth: creds, settlementDir: dir })) as PlatformSimulator<unknown>;
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
      },
      keyring,
    );
    return sim;
  };
  const connect = async (codes: string[]) => {
    const shops = (await loadShopAccounts(p.db, keyring)).filter((a) => codes.includes(a.code));
    const c = await startConnectors({ js: p.bus.js, names: p.names, db: p.db, shops, keyring, pull, log: (line) => logs.push(line) });
    running.push(c);
    return c;
  };
  /** Paid orders (every fifth generated order starts unpaid: `firstSeq` avoids them), created a few seconds ago. */
  const addPaidOrders = (sim: PlatformSimulator<unknown>, n: number) => Array.from({ length: n }, (_, i) => sim.addOrder({ createdAt: new Date(floorToSecond(Date.now()) - 5000 + i * 1000) }).externalId);
  const priced = (channel: string, ids: string[]) =>
    eventually(
      async () => {
        const rows = await p.db.selectFrom('orders').select('status').where('id', 'in', ids.map((id) => `${channel}:${id}`)).execute();
        return rows.length === ids.length && rows.every((r) => r.status === 'priced') ? true : undefined;
      },
      30_000,
      `${channel}'s orders to be priced`,
    );
  const ticketsOf = (shop: string) =>
    p.db.selectFrom('aftersales_tickets').select(['platform_ticket_id', 'order_id', 'type', 'state', 'refund_fen', 'return_waybill']).where('shop', '=', shop).orderBy('platform_ticket_id').execute();
  const ticketState = async (shop: string, platformTicketId: string) =>
    (await p.db.selectFrom('aftersales_tickets').select('state').where('shop', '=', shop).where('platform_ticket_id', '=', platformTicketId).executeTakeFirst())?.state;
  const untilState = (shop: string, id: string, state: string) => eventually(async () => ((await ticketState(shop, id)) === state ? true : undefined), 20_000, `${shop} ticket ${id} to be ${state}`);
  const cli = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: p.databaseUrl }, timeout: 90_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'platform-aftersales-'));
    p = await createTestPipeline();
    await p.startWorkers(['ingest', 'dedupe', 'pricing']);
  });
  afterAll(async () => {
    await Promise.all(running.map((c) => c.stop()));
    await Promise.all(sims.map((s) => s.close()));
    await p?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("turns each marketplace's after-sale records into tickets once, signed, and a platform update overtakes", async () => {
    const shops: [PlatformDefinition<never>, string, number][] = [
      [TMALL as PlatformDefinition<never>, 'tmall-as', 61_000_001],
      [JD as PlatformDefinition<never>, 'jd-as', 62_000_001],
      [DOUYIN as PlatformDefinition<never>, 'douyin-as', 63_000_001],
      [PDD as PlatformDefinition<never>, 'pdd-as', 64_000_001],
    ];
    const bySim = new Map<string, { sim: PlatformSimulator<unknown>; orders: string[] }>();
    for (const [def, code, seq] of shops) {
      const sim = await shopOn(def, code, seq);
      bySim.set(code, { sim, orders: addPaidOrders(sim, 3) });
    }
    const c = await connect(shops.map(([, code]) => code));
    expect(c.aftersales.map((s) => s.shop).sort()).toEqual(shops.map(([, code]) => code).sort());
    for (const [def, code] of shops) await priced(def.channel, bySim.get(code)!.orders);

    for (const [, code] of shops) {
      const { sim, orders } = bySim.get(code)!;
      // A refund only the seller grants, a return the buyer sends back, a refund only refused.
      const refund = sim.addAftersale(orders[0]!, { type: 'refund_only' });
      const ret = sim.addAftersale(orders[1]!, { type: 'return_refund' });
      const refused = sim.addAftersale(orders[2]!, { type: 'refund_only' });
      await eventually(async () => ((await ticketsOf(code)).length === 3 ? true : undefined), 20_000, `${code}'s three tickets`);
      expect((await ticketsOf(code)).map((t) => [t.platform_ticket_id, t.type, t.state])).toEqual([
        [refund.id, 'refund_only', 'requested'],
        [ret.id, 'return_refund', 'requested'],
        [refused.id, 'refund_only', 'requested'],
      ]);
      // Our books value each refund as the platform does: the line's payable after the discount.
      expect((await ticketsOf(code)).map((t) => Number(t.refund_fen))).toEqual([refund.refundFen, ret.refundFen, refused.refundFen]);

      sim.updateAftersale(refund.id, 'success');
      sim.updateAftersale(ret.id, 'agreed');
      sim.updateAftersale(refused.id, 'rejected');
      await untilState(code, refund.id, 'refunded');
      await untilState(code, ret.id, 'approved');
      await untilState(code, refused.id, 'rejected');
      sim.updateAftersale(ret.id, 'returned');
      await untilState(code, ret.id, 'return_shipped');
      expect((await ticketsOf(code)).find((t) => t.platform_ticket_id === ret.id)?.return_waybill).toBe(`SF${ret.id}`);
      // The platform refunds the return before our warehouse inspected it: the ticket waits for the
      // inspection, and follows at the next poll once it is received.
      sim.updateAftersale(ret.id, 'success');
      await eventually(async () => (logs.some((l) => l.startsWith(`aftersales ${sim.channel}/${code} ${ret.id}:`) && l.includes('aftersales receive')) ? true : undefined), 20_000, 'the wait for the inspection');
      expect(await ticketState(code, ret.id)).toBe('return_shipped');
      const ticket = await p.db.selectFrom('aftersales_tickets').select('id').where('shop', '=', code).where('platform_ticket_id', '=', ret.id).executeTakeFirstOrThrow();
      await applyTicketCommand(p.db, Number(ticket.id), { kind: 'receive', warehouse: 'suzhou', condition: 'sellable' }, 'dock');
      await untilState(code, ret.id, 'refunded');
    }
    for (const sim of sims.slice(-4)) expect(sim.auth!.stats.refused, sim.channel).toEqual({ app_key: 0, sign: 0, timestamp: 0, token: 0, refresh_token: 0 });

    // Pulled again from the start (the cursor moved back an hour): every version is one already
    // stored, so nothing is created or moved twice.
    await Promise.all(running.map((r) => r.stop()));
    const before = await p.db.selectFrom('aftersales_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await p.db.updateTable('aftersale_cursors').set({ cursor_at: new Date(Date.now() - 60 * MINUTE) }).execute();
    for (const [def, code] of shops) {
      const { sim } = bySim.get(code)!;
      const account = (await loadShopAccounts(p.db, keyring)).find((a) => a.code === code)!;
      const api = platformApiFor(def.channel, { baseUrl: sim.url, auth: shopAuthOf(account, { db: p.db, keyring, log: () => undefined }) });
      const stats = newAftersaleStats(def.channel, code);
      await pollAftersalesOnce({ channel: def.channel, shop: code, api }, pull, { js: p.bus.js, names: p.names, db: p.db, log: (l) => logs.push(l) }, stats, new AbortController().signal);
      expect(stats.records, code).toBe(3);
      expect(stats).toMatchObject({ stored: 0, created: 0, moved: 0, refused: 0 });
      expect(await ticketsOf(code)).toHaveLength(3);
    }
    const after = await p.db.selectFrom('aftersales_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('ignores an older version of a record, refuses a move the ticket cannot make, and dead-letters an unreadable record', async () => {
    const sim = await shopOn(TMALL, 'tmall-versions', 65_000_001);
    const [orderId] = addPaidOrders(sim, 1);
    const c = await connect(['tmall-versions']);
    await priced('tmall', [orderId!]);
    const account = (await loadShopAccounts(p.db, keyring)).find((a) => a.code === 'tmall-versions')!;
    const api = platformApiFor('tmall', { baseUrl: sim.url, auth: shopAuthOf(account, { db: p.db, keyring, log: () => undefined }) });
    const read = async () => {
      const out: unknown[] = [];
      for await (const page of api.aftersalesModified!({ fromMs: Date.now() - 10 * MINUTE, toMs: floorToSecond(Date.now()) + 5000 }, new AbortController().signal)) out.push(...page);
      return out;
    };

    const ret = sim.addAftersale(orderId!, { type: 'return_refund' });
    await untilState('tmall-versions', ret.id, 'requested');
    sim.updateAftersale(ret.id, 'agreed');
    await untilState('tmall-versions', ret.id, 'approved');
    const agreed = await read();
    await c.stop();

    // The buyer withdraws after the seller agreed: the platform closes it, but an approved ticket
    // cannot be rejected. Recorded and logged, the ticket left as it is, the poller still going.
    sim.updateAftersale(ret.id, 'closed', new Date(Date.now() + 2000));
    const closed = await read();
    const stale = { channel: 'tmall' as const, maxWindowMs: 24 * 3600_000, ordersModified: api.ordersModified, ordersCreated: api.ordersCreated };
    const feed = (pages: unknown[][]): PlatformApi => ({
      ...stale,
      async *aftersalesModified() {
        yield* pages;
      },
    });
    const deps = { js: p.bus.js, names: p.names, db: p.db, log: (l: string) => logs.push(l) };
    /** One poll of `pages` as the platform's answer, over the last minute (the cursor set back so a window is read). */
    const feedPoll = async (pages: unknown[][], stats: ReturnType<typeof newAftersaleStats>) => {
      await p.db.updateTable('aftersale_cursors').set({ cursor_at: new Date(Date.now() - MINUTE) }).where('shop', '=', 'tmall-versions').execute();
      await pollAftersalesOnce({ channel: 'tmall', shop: 'tmall-versions', api: feed(pages) }, pull, deps, stats, new AbortController().signal);
    };
    const stats = newAftersaleStats('tmall', 'tmall-versions');
    await feedPoll([closed], stats);
    expect(stats).toMatchObject({ stored: 1, refused: 1, moved: 0 });
    expect(await ticketState('tmall-versions', ret.id)).toBe('approved');
    expect(logs.some((l) => l.startsWith(`aftersales tmall/tmall-versions ${ret.id}: ticket`) && l.includes('not moved: the platform says rejected (CLOSED) but the ticket is already approved'))).toBe(true);

    // The agreed version again, read late: older than the closed one stored, so it is ignored.
    const late = newAftersaleStats('tmall', 'tmall-versions');
    await feedPoll([agreed], late);
    expect(late).toMatchObject({ records: 1, stored: 0, stale: 1 });
    const row = await p.db.selectFrom('platform_aftersales').select(['platform_status', 'outcome']).where('shop', '=', 'tmall-versions').where('platform_ticket_id', '=', ret.id).executeTakeFirstOrThrow();
    expect(row.platform_status).toBe('CLOSED');

    // A record without its order or status: dead-lettered at ingest, naming the fields.
    const bad = newAftersaleStats('tmall', 'tmall-versions');
    await feedPoll([[{ refund_id: 'R-BAD', oid: 1, num: 1, refund_fee: '1.00', modified: '2026-12-07 10:00:00' }]], bad);
    expect(bad.unreadable).toBe(1);
    const letters = await listDeadLetters(p.bus.js, p.bus.jsm, p.names, { stage: 'ingest' });
    const letter = letters.find((l) => new TextDecoder().decode(l.payload).includes('R-BAD'));
    expect(letter?.error).toBe('after-sale record: tid: is required; status: is required');
    expect(letter?.shop).toBe('tmall-versions');
    expect(await p.db.selectFrom('platform_aftersales').select('platform_ticket_id').where('platform_ticket_id', '=', 'R-BAD').execute()).toEqual([]);
  });

  it("turns the web shop's Shopify refunds (64-bit ids) into completed tickets once, with the exact amount, and dead-letters an unreadable one", async () => {
    // Shopify's API is not signed like the marketplaces': the account's credentials are unused.
    const sim = (await startPlatformSimulator(SHOP, { firstSeq: 69_000_001 })) as PlatformSimulator<unknown>;
    sims.push(sim);
    const code = 'shop-as';
    const none = new Secret('unused');
    await saveShopAccount(p.db, { code, channel: 'shop', displayName: code, apiBaseUrl: sim.url, appKey: 'shop-as', appSecret: none, accessToken: none, refreshToken: none, expiresAt: undefined }, keyring);
    const orders = addPaidOrders(sim, 2);
    const c = await connect([code]);
    await priced('shop', orders);

    // On Shopify a refund exists once the money is back: the requested and agreed steps are not listed.
    const refund = sim.addAftersale(orders[0]!, { type: 'refund_only', lineIndex: 1 });
    sim.updateAftersale(refund.id, 'success');
    const ret = sim.addAftersale(orders[1]!, { type: 'return_refund' });
    for (const step of ['agreed', 'returned', 'success'] as const) sim.updateAftersale(ret.id, step);
    const refundId = shopRefundIdOf(refund.id);
    const retId = shopRefundIdOf(ret.id);
    // Past 2^53: read through a double, it would be another refund.
    expect(BigInt(refundId)).toBeGreaterThan(2n ** 53n);
    expect(String(Number(refundId))).not.toBe(refundId);
    await untilState(code, refundId, 'refunded');
    // A Shopify return refund carries no return waybill: the ticket is approved and waits for an operator.
    await untilState(code, retId, 'approved');
    await eventually(async () => (logs.some((l) => l.startsWith(`aftersales shop/${code} ${retId}:`) && l.includes('the platform has not given the return waybill yet')) ? true : undefined), 10_000, 'the wait for the return parcel');
    const expected = [
      [refundId, `shop:${orders[0]}`, 'refund_only', 'refunded'],
      [retId, `shop:${orders[1]}`, 'return_refund', 'approved'],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    const tickets = async () => (await ticketsOf(code)).map((t) => [t.platform_ticket_id, t.order_id, t.type, t.state]);
    expect(await tickets()).toEqual(expected);
    // The platform's refund, from decimal strings, exact to the fen (the lines' payables after the
    // order's 20 yuan discount). The ticket is valued by our books; where they differ (this test's
    // database has no rule set taking SAVE20 off) the outcome says both.
    const records = await p.db.selectFrom('platform_aftersales').innerJoin('aftersales_tickets', 'aftersales_tickets.id', 'platform_aftersales.ticket_id').select(['platform_aftersales.platform_ticket_id', 'record', 'outcome', 'refund_fen']).where('platform_aftersales.shop', '=', code).execute();
    for (const [id, sent] of [[refundId, refund.refundFen], [retId, ret.refundFen]] as const) {
      const row = records.find((r) => r.platform_ticket_id === id)!;
      expect((row.record as { refundFen: number }).refundFen, id).toBe(sent);
      if (Number(row.refund_fen) !== sent) expect(row.outcome).toContain(`the platform refunds ${sent} fen, our books ${row.refund_fen}`);
    }
    await c.stop();

    // Pulled again from an hour back: the same two refunds, read again, make nothing new.
    const events = async () => Number((await p.db.selectFrom('aftersales_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await events();
    await p.db.updateTable('aftersale_cursors').set({ cursor_at: new Date(Date.now() - 60 * MINUTE) }).where('shop', '=', code).execute();
    const deps = { js: p.bus.js, names: p.names, db: p.db, log: (l: string) => logs.push(l) };
    const again = newAftersaleStats('shop', code);
    await pollAftersalesOnce({ channel: 'shop', shop: code, api: platformApiFor('shop', { baseUrl: sim.url }) }, pull, deps, again, new AbortController().signal);
    expect(again).toMatchObject({ records: 2, stored: 0, created: 0, moved: 0, refused: 0, unreadable: 0 });
    expect(await tickets()).toEqual(expected);
    expect(await events()).toBe(before);

    // A refund whose money has not gone back yet, and without its order: dead-lettered, naming both fields.
    const unreadable = { id: 9_007_199_254_740_993n.toString(), refund_line_items: [{ line_item_id: 1, quantity: 1, restock_type: 'no_restock' }], transactions: [{ kind: 'refund', status: 'pending', amount: '10.00' }], created_at: '2026-12-07T10:00:00+08:00' };
    const api = platformApiFor('shop', { baseUrl: sim.url });
    const feed: PlatformApi = {
      channel: 'shop',
      maxWindowMs: 24 * 3600_000,
      ordersModified: api.ordersModified,
      ordersCreated: api.ordersCreated,
      async *aftersalesModified() {
        yield [unreadable];
      },
    };
    await p.db.updateTable('aftersale_cursors').set({ cursor_at: new Date(Date.now() - MINUTE) }).where('shop', '=', code).execute();
    const bad = newAftersaleStats('shop', code);
    await pollAftersalesOnce({ channel: 'shop', shop: code, api: feed }, pull, deps, bad, new AbortController().signal);
    expect(bad).toMatchObject({ records: 1, unreadable: 1, stored: 0 });
    const letter = (await listDeadLetters(p.bus.js, p.bus.jsm, p.names, { stage: 'ingest' })).find((l) => l.shop === code);
    expect(letter?.error).toBe('after-sale record: order_id: is required; transactions: has no successful refund transaction yet: the money is not returned (read it again once one succeeds)');
    expect(letter?.aftersale).toEqual({ channel: 'shop' });
    expect(await ticketsOf(code)).toHaveLength(2);
  });

  it("retries a failed after-sale poll from its cursor, alerting, while the shop's orders keep coming", async () => {
    const sim = await shopOn(DOUYIN, 'douyin-broken-as', 68_000_001);
    // The platform's after-sale API is down; its order API is not.
    sim.faults.failWhen = (req) => req.path === '/afterSale/List';
    const orders = addPaidOrders(sim, 2);
    const c = await connect(['douyin-broken-as']);
    await priced('douyin', orders);
    await eventually(async () => (c.aftersales[0]!.failures >= 2 ? true : undefined), 15_000, 'two failed after-sale polls');
    expect(logs.some((l) => l.startsWith('ALERT connector douyin/douyin-broken-as: after-sale poll failed'))).toBe(true);
    const cursor = await p.db.selectFrom('aftersale_cursors').selectAll().where('shop', '=', 'douyin-broken-as').executeTakeFirstOrThrow();
    expect(Number(cursor.consecutive_failures)).toBeGreaterThanOrEqual(1);
    expect(cursor.last_success_at).toBeNull();
    const refund = sim.addAftersale(orders[0]!, { type: 'refund_only' });
    sim.faults.failWhen = undefined;
    await untilState('douyin-broken-as', refund.id, 'requested');
    await c.stop();
  });

  it('generates after-sales at a rate (new ones and moves of open ones), each readable by its platform normaliser', async () => {
    // The web shop lists only refunds already made (Shopify's), so fewer of its records show at first.
    for (const def of [TMALL, JD, DOUYIN, PDD, SHOP] as PlatformDefinition<unknown>[]) {
      const sim = await startPlatformSimulator(def, { firstSeq: 67_000_001, aftersalesPerSecond: 40, seed: 7 });
      sims.push(sim);
      addPaidOrders(sim, 12);
      const api = platformApiFor(def.channel, { baseUrl: sim.url });
      const window = () => ({ fromMs: Date.now() - 10 * MINUTE, toMs: floorToSecond(Date.now()) + 60_000 });
      // Only orders the API has served get after-sales, as only they get updates.
      for await (const _ of api.ordersModified(window(), new AbortController().signal));
      const records = await eventually(
        async () => {
          const out: unknown[] = [];
          for await (const page of api.aftersalesModified!(window(), new AbortController().signal)) out.push(...page);
          return out.length >= 6 ? out : undefined;
        },
        10_000,
        `${def.channel}'s generated after-sales`,
      );
      const read = records.map((r) => normalizeAftersale(def.channel, r));
      expect(read.filter((r) => !r.ok), def.channel).toEqual([]);
      expect(new Set(read.map((r) => r.ok && r.ticket.type)), def.channel).toEqual(new Set(['refund_only', 'return_refund']));
      if (def.channel === 'shop') {
        // Two refunds a page, the next page behind the Link header: the same refunds, none twice.
        const paged: unknown[] = [];
        await fetch(`${sim.url}/sim/aftersales-rate`, { method: 'POST', body: JSON.stringify({ rate: 0 }) });
        const fixed = window();
        for await (const page of platformApiFor('shop', { baseUrl: sim.url, pageSize: 2 }).aftersalesModified!(fixed, new AbortController().signal)) paged.push(...page);
        const all: unknown[] = [];
        for await (const page of api.aftersalesModified!(fixed, new AbortController().signal)) all.push(...page);
        const ids = (list: unknown[]) => list.map((r) => (r as { id: string }).id);
        expect(paged.length).toBeGreaterThan(2);
        expect(ids(paged)).toEqual(ids(all));
        expect(new Set(ids(paged)).size).toBe(paged.length);
      }
    }
  });

  it("writes a platform's settlement file for the day that reconcile import takes and reconciles without a difference", async () => {
    const sim = await shopOn(JD, 'jd-settle', 66_000_001);
    const orders = addPaidOrders(sim, 4);
    const c = await connect(['jd-settle']);
    await priced('jd', orders);
    const refund = sim.addAftersale(orders[0]!, { type: 'refund_only' });
    await untilState('jd-settle', refund.id, 'requested');
    sim.updateAftersale(refund.id, 'success');
    await untilState('jd-settle', refund.id, 'refunded');
    await c.stop();

    const day = chinaDateOf(Date.now());
    const res = await fetch(`${sim.url}/sim/settlement?day=${day}`, { method: 'POST' });
    const written = (await res.json()) as { file: string; entries: number };
    expect(res.status).toBe(200);
    expect(written.file).toBe(path.join(dir, `jd-${day}.csv`));
    // A sale and a fee for each of the four orders, and the one refund.
    expect(written.entries).toBe(4 * 2 + 1);

    const imported = await cli('reconcile', 'import', '--shop', 'jd-settle', written.file);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^imported .*jd-.*\.csv/);
    const json = await cli('reconcile', 'report', '--period', day, '--shop', 'jd-settle', '--json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as ReconcileReport;
    expect(report.differences).toEqual([]);
    expect(report).toMatchObject({ orders: 4, matched: 4, differenceFen: 0, healthy: true });
    expect(report.salesFen).toBe(
      Number((await sql<{ n: string }>`select sum(paid_fen) as n from orders where shop = 'jd-settle'`.execute(p.db)).rows[0]!.n),
    );
  }, 240_000);
});
