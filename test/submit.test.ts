import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HEADERS } from '../streams/messages.ts';
import { processPiiKeyring } from '../streams/pii/keyring.ts';
import { Secret } from '../workers/ingest/connectors/secret.ts';
import { saveShopAccount } from '../workers/ingest/connectors/shop-accounts.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));
const LIMIT = 4096;

describe('ordersurge submit', () => {
  let p: TestPipeline;
  const run = (args: string[], input: string, onStderr?: (text: string) => void) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: {
          ...process.env,
          NATS_URL: p.config.natsUrl,
          DATABASE_URL: p.databaseUrl,
          ORDERSURGE_NAMESPACE: p.names.namespace,
          ORDERSURGE_MAX_PAYLOAD_BYTES: String(LIMIT),
        },
        timeout: 60_000,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        onStderr?.(stderr);
      });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input);
    });
  const stored = async (): Promise<number> => (await p.bus.jsm.streams.info(p.names.stageStream('ingest'))).state.messages;
  const payload = (n: number, pad = 0): string => JSON.stringify({ id: n, note: 'x'.repeat(pad) });

  beforeAll(async () => {
    // A small ingest stream, so that "full" is easy to reach; no workers drain it.
    p = await createTestPipeline({ stageMaxBytes: 8 * 1024 });
  });
  afterAll(async () => {
    await p?.close();
  });
  beforeEach(async () => {
    await p.bus.jsm.streams.purge(p.names.stageStream('ingest'));
  });

  it('checks every line first: bad lines exit 2 naming the line numbers, and nothing is published', async () => {
    const input = [payload(1), 'not json', payload(3), payload(4, LIMIT)].join('\n');
    const result = await run(['submit', '--channel', 'shop', '-'], input);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ordersurge: -: line 2: not valid JSON (');
    expect(result.stderr).toContain(`ordersurge: -: line 4: is ${payload(4, LIMIT).length} bytes, over the maximum payload of ${LIMIT} bytes (ORDERSURGE_MAX_PAYLOAD_BYTES)`);
    expect(result.stderr).toContain('2 bad line(s) (2, 4); nothing published');
    expect(await stored()).toBe(0);
  });

  it('with --skip-bad publishes the good lines, lists the bad, and counts duplicates', async () => {
    const input = [payload(1), 'not json', payload(3)].join('\n');
    const first = await run(['submit', '--channel', 'shop', '--skip-bad', '-'], input);
    expect(first).toMatchObject({ code: 2, stdout: 'submitted 2 shop payload(s), 1 refused\n' });
    expect(first.stderr).toContain('line 2: not valid JSON');
    expect(await stored()).toBe(2);
    const again = await run(['submit', '--channel', 'shop', '-'], [payload(1), payload(3), payload(5)].join('\n'));
    expect(again).toMatchObject({ code: 0, stdout: 'submitted 1 shop payload(s), 2 duplicate(s) already submitted\n' });
  });

  it('with --shop publishes under that shop account, checked against the registered accounts first', async () => {
    await saveShopAccount(
      p.db,
      { code: 'tmall-outlet', channel: 'tmall', displayName: 'outlet', apiBaseUrl: 'http://127.0.0.1:9', appKey: 'k', appSecret: new Secret('app-secret-0123456789'), accessToken: new Secret('t'), refreshToken: new Secret('r'), expiresAt: undefined },
      processPiiKeyring(),
    );
    const unknown = await run(['submit', '--channel', 'tmall', '--shop', 'tmall-nope', '-'], payload(1));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--shop: no shop account "tmall-nope"; register it with `ordersurge shops add tmall-nope --channel tmall ...`');
    const otherChannel = await run(['submit', '--channel', 'jd', '--shop', 'tmall-outlet', '-'], payload(1));
    expect(otherChannel.code).toBe(2);
    expect(otherChannel.stderr).toContain('--shop: tmall-outlet is a tmall account, not jd');
    const badCode = await run(['submit', '--channel', 'tmall', '--shop', 'a b', '-'], payload(1));
    expect(badCode.code).toBe(2);
    expect(badCode.stderr).toContain('--shop: "a b" is not a shop account code');
    expect(await stored()).toBe(0);

    const ok = await run(['submit', '--channel', 'tmall', '--shop', 'tmall-outlet', '-'], payload(7));
    expect(ok).toMatchObject({ code: 0, stdout: 'submitted 1 tmall payload(s) of shop tmall-outlet\n' });
    const msg = await p.bus.jsm.streams.getMessage(p.names.stageStream('ingest'), { last_by_subj: p.names.stageSubject('ingest', 'tmall') });
    expect(msg?.header.get(HEADERS.shop)).toBe('tmall-outlet');
    // The channel's own name is its default account: no header, as without --shop.
    const own = await run(['submit', '--channel', 'tmall', '--shop', 'tmall', '-'], payload(8));
    expect(own.code).toBe(0);
    const ownMsg = await p.bus.jsm.streams.getMessage(p.names.stageStream('ingest'), { last_by_subj: p.names.stageSubject('ingest', 'tmall') });
    expect(ownMsg?.header?.get(HEADERS.shop) ?? '').toBe('');
  });

  it('waits while the ingest stream is full and carries on once it has room', async () => {
    const lines = Array.from({ length: 6 }, (_, i) => payload(100 + i, 2500));
    let sawFull = false;
    const done = run(['submit', '--channel', 'shop', '-'], lines.join('\n'), (stderr) => {
      sawFull ||= stderr.includes('ingest stream full');
    });
    await eventually(async () => (sawFull ? true : undefined), 20_000, 'submit to report a full stream');
    // Then room is made now and then (as workers would); submit must notice by itself.
    const drain = setInterval(() => void p.bus.jsm.streams.purge(p.names.stageStream('ingest')).catch(() => undefined), 300);
    const result = await done.finally(() => clearInterval(drain));
    expect(result.stderr).toMatch(/ingest stream full \(.*maximum bytes exceeded.*\); waiting \d+ ms before line \d/);
    expect(result).toMatchObject({ code: 0, stdout: 'submitted 6 shop payload(s)\n' });
  });
});
