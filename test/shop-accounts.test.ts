import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JD } from '../scripts/simulators/platforms/jd-platform.ts';
import { demoCredentials } from '../scripts/simulators/platforms/platform-auth.ts';
import { startPlatformSimulator } from '../scripts/simulators/platforms/platform-simulator.ts';
import { processPiiKeyring } from '../streams/pii/keyring.ts';
import { Secret } from '../workers/ingest/connectors/secret.ts';
import { saveShopAccount } from '../workers/ingest/connectors/shop-accounts.ts';
import { advanceCursor, ensureCursor } from '../sql/queries/connector-cursors.ts';
import { recordRefreshFailure } from '../sql/queries/shop-accounts.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));
const APP_SECRET = 'app-secret-5f1e9c0d2b7a4e3f';
const ACCESS_TOKEN = 'session-6200a1b2c3d4e5f60718293a';
const REFRESH_TOKEN = 'refresh-7a8b9c0d1e2f3a4b5c6d7e8f';

describe('ordersurge shops', () => {
  let p: TestPipeline;
  const dir = mkdtempSync(path.join(tmpdir(), 'ordersurge-shops-'));
  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: { ...process.env, NATS_URL: p.config.natsUrl, DATABASE_URL: p.databaseUrl, ORDERSURGE_NAMESPACE: p.names.namespace, ...env },
        timeout: 30_000,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('adds, lists, shows and removes an account, the secret and tokens never printed nor stored in clear', async () => {
    writeFileSync(path.join(dir, 'access'), `${ACCESS_TOKEN}\n`);
    writeFileSync(path.join(dir, 'refresh'), REFRESH_TOKEN);
    const added = await run(
      ['shops', 'add', 'tmall-main', '--channel', 'tmall', '--name', '旗舰店', '--api-url', 'http://127.0.0.1:9/', '--app-key', '12345678', '--app-secret-env', 'TMALL_MAIN_SECRET',
        '--access-token-file', path.join(dir, 'access'), '--refresh-token-file', path.join(dir, 'refresh'), '--token-expires-at', '2026-12-31T00:00:00+08:00'],
      { TMALL_MAIN_SECRET: APP_SECRET },
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const shown = await run(['shops', 'show', 'tmall-main']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('app key        12345678');
    expect(shown.stdout).toContain(`app secret     ******** (${APP_SECRET.length} characters)`);
    expect(shown.stdout).toContain('expires        2026-12-31 00:00:00 +08:00');
    const listed = await run(['shops', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([
      { code: 'tmall-main', channel: 'tmall', displayName: '旗舰店', apiBaseUrl: 'http://127.0.0.1:9', appKey: '12345678', tokenExpiresAt: '2026-12-30T16:00:00.000Z', refreshFailure: null },
    ]);

    // Nothing the operator or a dump sees holds a secret: the outputs, and the row as text.
    const row = await sql<{ text: string }>`select s::text as text from shop_accounts s`.execute(p.db);
    for (const text of [added.stdout, added.stderr, shown.stdout, listed.stdout, ...row.rows.map((r) => r.text)]) {
      for (const secret of [APP_SECRET, ACCESS_TOKEN, REFRESH_TOKEN]) expect(text).not.toContain(secret);
    }

    expect(await run(['shops', 'remove', 'tmall-main'])).toMatchObject({ code: 0, stdout: 'removed tmall-main\n' });
    expect(await run(['shops', 'show', 'tmall-main'])).toMatchObject({ code: 2, stderr: 'ordersurge: tmall-main: no such shop account (see `ordersurge shops list`)\n' });
  }, 120_000);

  it('connect --shops polls a registered account through its strict platform, its secret in no log line', async () => {
    const creds = demoCredentials('jd', 'jd-cli');
    const sim = await startPlatformSimulator(JD, { firstSeq: 61_000_000, auth: creds });
    const workers = await p.startWorkers(['ingest', 'dedupe']);
    // Registered before connect starts: it reads the accounts once, at start.
    await saveShopAccount(p.db, { code: 'jd-cli', channel: 'jd', displayName: 'jd', apiBaseUrl: sim.url, appKey: creds.appKey, appSecret: new Secret(creds.appSecret), accessToken: new Secret(creds.accessToken), refreshToken: new Secret(creds.refreshToken), expiresAt: sim.auth!.tokenExpiresAt }, processPiiKeyring());
    const child = spawn(process.execPath, [BIN, 'connect', '--shops', 'jd-cli', '--interval-s', '1', '--initial-lookback-s', '600', '--no-apply'], {
      env: { ...process.env, NATS_URL: p.config.natsUrl, DATABASE_URL: p.databaseUrl, ORDERSURGE_NAMESPACE: p.names.namespace },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const order = sim.addOrder({ createdAt: new Date(Date.now() - 60_000) });
      sim.auth!.expireToken();
      const shop = await eventually(async () => (await p.db.selectFrom('orders').select('shop').where('id', '=', `jd:${order.externalId}`).executeTakeFirst())?.shop, 60_000, 'the order polled by connect');
      expect(shop).toBe('jd-cli');
      expect(sim.auth!.stats.refreshes).toBe(1);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
      await workers.stop();
      await sim.close();
    }
    expect(output).toContain('polling jd/jd-cli');
    expect(output).toContain('connector jd/jd-cli: access token refreshed');
    for (const secret of [creds.appSecret, creds.accessToken, creds.refreshToken]) expect(output).not.toContain(secret);
  }, 120_000);

  it('names the option of a missing secret or bad input with exit code 2, never the value', async () => {
    const base = ['shops', 'add', 'jd-1', '--channel', 'jd', '--api-url', 'http://127.0.0.1:9', '--app-key', 'k'];
    expect(await run([...base, '--app-secret-env', 'NOT_SET_ANYWHERE'])).toMatchObject({ code: 2, stderr: 'ordersurge: --app-secret-env: the environment variable NOT_SET_ANYWHERE is not set\n' });
    expect(await run(base)).toMatchObject({ code: 2, stderr: 'ordersurge: --app-secret-env or --app-secret-file: the app secret is required\n' });
    expect(await run(['shops', 'add', 'jd 1', '--channel', 'jd', '--api-url', 'http://x', '--app-key', 'k'])).toMatchObject({ code: 2 });
    expect((await run([...base.slice(0, 4), 'amazon', ...base.slice(5)])).stderr).toContain('--channel: unknown channel "amazon"');
  }, 120_000);
  it('status lists each shop with its cursor, and the shops to re-authorise, in text and JSON', async () => {
    const keyring = processPiiKeyring();
    for (const code of ['jd-status-ok', 'jd-status-revoked', 'jd-status-new']) {
      await saveShopAccount(p.db, { code, channel: 'jd', displayName: code, apiBaseUrl: 'http://127.0.0.1:9', appKey: 'k', appSecret: new Secret(APP_SECRET), accessToken: new Secret(ACCESS_TOKEN), refreshToken: new Secret(REFRESH_TOKEN), expiresAt: undefined }, keyring);
    }
    const start = new Date(Date.now() - 3600_000);
    for (const code of ['jd-status-ok', 'jd-status-revoked']) {
      await ensureCursor(p.db, 'jd', code, start);
      await advanceCursor(p.db, 'jd', code, new Date(start.getTime() + 60_000), 3);
    }
    // What a connector records when the platform refuses the refresh.
    await recordRefreshFailure(p.db, 'jd-status-revoked', 'token refresh failed: JD error 19');
    const text = await run(['status']);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('  jd/jd-status-ok:'))).toMatch(/^ {2}jd\/jd-status-ok: ok, cursor \d\d-\d\d \d\d:\d\d:\d\d \(\d+s ago\), 3 in, 0 failed polls$/);
    expect(lines).toContain('  jd/jd-status-new: not polled yet');
    expect(lines).toContain('shops to re-authorise (1; token refresh failed, no orders come in):');
    expect(lines.find((l) => l.startsWith('  jd/jd-status-revoked: since'))).toMatch(/since \d+s ago, cursor moved \d+s ago: JD error 19$/);
    const json = await run(['status', '--json']);
    const parsed = JSON.parse(json.stdout) as { reauthorise: { shop: string; reauthorise: { error: string } }[]; shops: { shop: string }[] };
    expect(parsed.reauthorise.map((s) => s.shop)).toEqual(['jd-status-revoked']);
    expect(parsed.shops.map((s) => s.shop)).toEqual(expect.arrayContaining(['jd-status-ok', 'jd-status-revoked', 'jd-status-new']));
    for (const out of [text.stdout, json.stdout]) for (const secret of [APP_SECRET, ACCESS_TOKEN, REFRESH_TOKEN]) expect(out).not.toContain(secret);
  });
});
