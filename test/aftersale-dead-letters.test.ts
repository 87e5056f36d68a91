import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCredentials } from '../scripts/simulators/platforms/platform-auth.ts';
import { startPlatformSimulator, type PlatformSimulator } from '../scripts/simulators/platforms/platform-simulator.ts';
import { TMALL } from '../scripts/simulators/platforms/tmall-platform.ts';
import { listDeadLetters, replayDeadLetters, DeadLetterReplayError } from '../streams/dead-letter.ts';
import { processPiiKeyring } from '../streams/pii/keyring.ts';
import { recordAftersalePollFailure, storePlatformTicket } from '../sql/queries/platform-aftersales.ts';
import type { PlatformTicket } from '../workers/ingest/adapters/platform-ticket.ts';
import { applyPendingTickets } from '../workers/ingest/connectors/aftersale-sync.ts';
import { newAftersaleStats, pollAftersalesOnce } from '../workers/ingest/connectors/aftersale-connector.ts';
import { floorToSecond } from '../workers/ingest/connectors/china-clock.ts';
import type { PlatformApi } from '../workers/ingest/connectors/platform-api.ts';
import { platformApiFor } from '../workers/ingest/connectors/platforms/platform-api-for.ts';
import { DEFAULT_PULL, type PullSettings } from '../workers/ingest/connectors/pull-connector.ts';
import { Secret } from '../workers/ingest/connectors/secret.ts';
import { loadShopAccounts, saveShopAccount } from '../workers/ingest/connectors/shop-accounts.ts';
import { shopAuthOf, startConnectors, type RunningConnectors } from '../workers/ingest/connectors/start-connectors.ts';
import { consoleActions } from '../tui/console-actions.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const MINUTE = 60_000;
const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));
const SHOP = 'tmall-dlq';

describe('after-sales: dead letters and status', () => {
  let p: TestPipeline;
  let sim: PlatformSimulator<unknown>;
  let connectors: RunningConnectors | undefined;
  let dir: string;
  const logs: string[] = [];
  const keyring = processPiiKeyring();
  const pull: PullSettings = { ...DEFAULT_PULL, intervalMs: 200, retryBaseMs: 200, overlapMs: 5000, initialLookbackMs: 10 * MINUTE };
  const cli = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const env = { ...process.env, NATS_URL: p.config.natsUrl, DATABASE_URL: p.databaseUrl, ORDERSURGE_NAMESPACE: p.names.namespace };
      const child = spawn(process.execPath, [BIN, ...args], { env, timeout: 90_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const tickets = () => p.db.selectFrom('aftersales_tickets').select(['id', 'platform_ticket_id', 'state']).where('shop', '=', SHOP).execute();
  const letterOf = async (refundId: string) => (await listDeadLetters(p.bus.js, p.bus.jsm, p.names, { stage: 'ingest' })).filter((l) => new TextDecoder().decode(l.payload).includes(refundId));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aftersale-dlq-'));
    p = await createTestPipeline();
    await p.startWorkers(['ingest', 'dedupe', 'pricing']);
    const creds = demoCredentials('tmall', SHOP);
    sim = (await startPlatformSimulator(TMALL, { firstSeq: 71_000_001, auth: creds })) as PlatformSimulator<unknown>;
    await saveShopAccount(
      p.db,
      { code: SHOP, channel: 'tmall', displayName: SHOP, apiBaseUrl: sim.url, appKey: creds.appKey, appSecret: new Secret(creds.appSecret), accessToken: new Secret(creds.accessToken), refreshToken: new Secret(creds.refreshToken), expiresAt: sim.auth!.tokenExpiresAt },
      keyring,
    );
  });
  afterAll(async () => {
    await connectors?.stop();
    await sim?.close();
    await p?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is replayed to the after-sale path, corrected by the operator, and makes its ticket once', async () => {
    // The shop's orders come in; its after-sales are fed by hand below (no after-sale poller running).
    const shops = (await loadShopAccounts(p.db, keyring)).filter((a) => a.code === SHOP);
    connectors = await startConnectors({ js: p.bus.js, names: p.names, db: p.db, shops, keyring, pull, aftersales: false, log: (line) => logs.push(line) });
    const orderId = sim.addOrder({ createdAt: new Date(floorToSecond(Date.now()) - 5000) }).externalId;
    await eventually(async () => ((await p.db.selectFrom('orders').select('status').where('id', '=', `tmall:${orderId}`).executeTakeFirst())?.status === 'priced' ? true : undefined), 30_000, 'the order to be priced');

    // The platform's record, as its API gives it; then a copy without its status (unreadable).
    const refund = sim.addAftersale(orderId, { type: 'refund_only' });
    const account = shops[0]!;
    const api = platformApiFor('tmall', { baseUrl: sim.url, auth: shopAuthOf(account, { db: p.db, keyring, log: () => undefined }) });
    const records: unknown[] = [];
    for await (const page of api.aftersalesModified!({ fromMs: Date.now() - 10 * MINUTE, toMs: floorToSecond(Date.now()) + 5000 }, new AbortController().signal)) records.push(...page);
    const good = records.find((r) => JSON.stringify(r).includes(refund.id)) as Record<string, unknown>;
    expect(good).toBeDefined();
    const { status: _status, ...broken } = good;
    const feed: PlatformApi = { channel: 'tmall', maxWindowMs: 24 * 3600_000, ordersModified: api.ordersModified, ordersCreated: api.ordersCreated, aftersalesModified: async function* () { yield [broken]; } };
    const poll = async () => {
      // The cursor set back a minute: the poll reads a window, as an overlapping re-read would.
      await p.db.updateTable('aftersale_cursors').set({ cursor_at: new Date(Date.now() - MINUTE) }).where('shop', '=', SHOP).execute();
      const stats = newAftersaleStats('tmall', SHOP);
      await pollAftersalesOnce({ channel: 'tmall', shop: SHOP, api: feed }, pull, { js: p.bus.js, names: p.names, db: p.db, log: (l) => logs.push(l) }, stats, new AbortController().signal);
      return stats;
    };
    expect((await poll()).unreadable).toBe(1);
    const [letter] = await letterOf(refund.id);
    expect(letter).toMatchObject({ stage: 'ingest', shop: SHOP, aftersale: { channel: 'tmall' }, error: 'after-sale record: status: is required' });

    // Never to ingest's subject, where it would fail again as an order.
    await expect(replayDeadLetters(p.bus.js, p.bus.jsm, p.names, [letter!])).rejects.toBeInstanceOf(DeadLetterReplayError);

    // Replayed as it is: still unreadable, so it stays, replayable, and the command says so.
    const asIs = await cli('dlq', 'replay', '--seq', String(letter!.seq));
    expect(asIs.code, asIs.stderr).toBe(1);
    expect(asIs.stdout).toContain(`#${letter!.seq} still unreadable, left in the dead letters: status: is required`);
    expect(await letterOf(refund.id)).toHaveLength(1);
    expect(await tickets()).toEqual([]);
    // The console's replay key takes the same road.
    const fromConsole = await consoleActions(p.bus, p.db, p.names, 'test').run({ kind: 'replay', seq: letter!.seq });
    expect(fromConsole).toBe(`after-sale record #${letter!.seq} still unreadable, left in the dead letters: status: is required`);
    expect(await letterOf(refund.id)).toHaveLength(1);

    // The operator replays it with the record corrected: read, stored and applied as a poll would.
    const file = path.join(dir, 'corrected.json');
    await writeFile(file, JSON.stringify(good));
    const fixed = await cli('dlq', 'replay', '--seq', String(letter!.seq), '--payload', file);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain('after-sale records: 1 read and stored (1 new versions); tickets 1 created');
    expect(await letterOf(refund.id)).toEqual([]);
    const made = await tickets();
    expect(made).toEqual([expect.objectContaining({ platform_ticket_id: refund.id, state: 'requested' })]);
    const row = await p.db.selectFrom('platform_aftersales').select(['ticket_id', 'applied_version', 'modified_at']).where('shop', '=', SHOP).where('platform_ticket_id', '=', refund.id).executeTakeFirstOrThrow();
    expect(Number(row.ticket_id)).toBe(Number(made[0]!.id));
    expect(row.applied_version?.getTime()).toBe(row.modified_at.getTime());

    // The same broken record read again (the poll's overlap) and replayed corrected again: nothing twice.
    expect((await poll()).unreadable).toBe(1);
    const [again] = await letterOf(refund.id);
    const twice = await cli('dlq', 'replay', '--seq', String(again!.seq), '--payload', file);
    expect(twice.code, twice.stderr).toBe(0);
    expect(twice.stdout).toContain('after-sale records: 1 read and stored (0 new versions); tickets 0 created, 0 moves');
    expect(await tickets()).toEqual(made);
    const events = await p.db.selectFrom('aftersales_events').select((eb) => eb.fn.countAll<number>().as('n')).where('ticket_id', '=', made[0]!.id).executeTakeFirstOrThrow();
    expect(Number(events.n)).toBe(1);
  });
  it("shows the shop's after-sale poller next to its order connector in status and status --json", async () => {
    // After the test above: one record applied. One more waits for an order that is not in, and the last poll failed.
    const [applied] = await p.db.selectFrom('platform_aftersales').select('record').where('shop', '=', SHOP).execute();
    const waiting = { ...(applied!.record as PlatformTicket), platformTicketId: 'R-WAITING', externalOrderId: '71999999' };
    expect(await storePlatformTicket(p.db, SHOP, 'tmall:71999999', waiting)).toBe('new');
    await applyPendingTickets(p.db, SHOP, () => undefined);
    await recordAftersalePollFailure(p.db, 'tmall', SHOP, 'HTTP 503 from afterSale/List');

    const json = await cli('status', '--json');
    expect(json.code, json.stderr).toBe(0);
    const shop = (JSON.parse(json.stdout) as { shops: { channel: string; shop: string; aftersales: Record<string, unknown> | null }[] }).shops.find((s) => s.shop === SHOP);
    expect(shop?.aftersales).toMatchObject({ applied: 1, pending: 1, failures: 1, consecutiveFailures: 1, lastError: 'HTTP 503 from afterSale/List' });
    expect(shop?.aftersales?.cursorAt).toMatch(/\+08:00$/);

    const text = await cli('status');
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    const row = lines.findIndex((l) => l.startsWith(`  tmall/${SHOP}: `));
    expect(row, text.stdout).toBeGreaterThan(0);
    expect(lines[row + 1]).toMatch(/^ {4}after-sales: FAILING x1, \d\d-\d\d \d\d:\d\d:\d\d \(\d+s ago\), 1 applied, 1 pending$/);
    expect(lines[row + 2]).toBe('      HTTP 503 from afterSale/List');
  });
  it('applies a record once when a replay and the poller apply the same shop at the same instant', async () => {
    // The record replayed above, refunded at the platform: approve and refund to make, by four appliers at once.
    const row = await p.db.selectFrom('platform_aftersales').select(['record', 'ticket_id']).where('shop', '=', SHOP).where('platform_ticket_id', '!=', 'R-WAITING').executeTakeFirstOrThrow();
    const before = row.record as PlatformTicket;
    expect(await storePlatformTicket(p.db, SHOP, `tmall:${before.externalOrderId}`, { ...before, status: 'refunded', platformStatus: 'SUCCESS', modifiedAtMs: before.modifiedAtMs + 1000 })).toBe('newer');
    const lines: string[] = [];
    const counts = await Promise.all(Array.from({ length: 4 }, () => applyPendingTickets(p.db, SHOP, (l) => lines.push(l))));
    expect(counts.reduce((n, c) => n + c.refused, 0), lines.join('\n')).toBe(0);
    expect(counts.reduce((n, c) => n + c.moved, 0)).toBe(2);
    const ticket = await p.db.selectFrom('aftersales_tickets').select('state').where('id', '=', row.ticket_id!).executeTakeFirstOrThrow();
    expect(ticket.state).toBe('refunded');
    const after = await p.db.selectFrom('platform_aftersales').select('outcome').where('shop', '=', SHOP).where('platform_ticket_id', '=', before.platformTicketId).executeTakeFirstOrThrow();
    expect(after.outcome).not.toContain('refused');
  });
});
