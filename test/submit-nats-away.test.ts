import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateNats, type PrivateNats } from '../scripts/faults/private-nats.ts';
import { generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { connectBus, type Bus } from '../streams/connect.ts';
import { namesFor } from '../streams/names.ts';
import { applyTopology, DEFAULT_TOPOLOGY } from '../streams/topology.ts';
import { eventually } from './pipeline-harness.ts';

const ORDERS = 3000;
const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));

describe('NATS going away during submit', () => {
  // A server of our own, so killing it disturbs no other test.
  let nats: PrivateNats;
  let bus: Bus | undefined;
  const names = namesFor(`subaway${Date.now().toString(36)}`);
  const ingest = names.stageStream('ingest');

  beforeAll(async () => {
    nats = await startPrivateNats();
    bus = await connectBus(nats.url, 'test-submit-nats-away');
    await applyTopology(bus.jsm, names, { ...DEFAULT_TOPOLOGY, stageMaxBytes: 64 * 1024 ** 2, deadLetterMaxBytes: 8 * 1024 ** 2 });
  });
  afterAll(async () => {
    await bus?.close().catch(() => undefined);
    await nats?.close();
  });

  /** The messages in the ingest stream now, read from a short-lived connection of its own. */
  const stored = async (): Promise<number> => {
    const probe = await connectBus(nats.url, 'test-submit-nats-away-probe');
    try {
      return (await probe.jsm.streams.info(ingest)).state.messages;
    } finally {
      await probe.close();
    }
  };

  it('is ridden out: submit waits, reconnects, ends with the right counts, and every order is stored once', async () => {
    const payloads = Array.from({ length: ORDERS }, (_, i) => JSON.stringify(generateShopOrder(70_000 + i)));
    const child = spawn(process.execPath, [BIN, 'submit', '--channel', 'shop', '-'], {
      env: { ...process.env, NATS_URL: nats.url, ORDERSURGE_NAMESPACE: names.namespace },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let code: number | null | undefined;
    void exited.then((c) => (code = c));
    child.stdin.on('error', () => undefined); // a submit that died early shows in its exit code
    child.stdin.end(payloads.join('\n'));

    // Kill the server (no goodbye) once submit is well under way, keep it down, start it again.
    const reached = await eventually(async () => {
      if (code !== undefined) return -1;
      const n = await stored();
      return n >= ORDERS / 5 ? n : undefined;
    }, 60_000, 'submit to publish a fifth of the orders');
    expect(reached, `submit ended before the server was killed:\n${stderr}`).toBeGreaterThan(0);
    await nats.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 3000));
    expect(code, `submit gave up while the server was down:\n${stdout}\n${stderr}`).toBeUndefined();
    await nats.start();

    expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 90_000))]), stderr).toBe(0);
    const counts = /submitted (\d+) shop payload\(s\)(?:, (\d+) duplicate\(s\) already submitted)?\n/.exec(stdout);
    expect(counts, stdout).not.toBeNull();
    const published = Number(counts![1]);
    const duplicates = Number(counts![2] ?? 0);
    // A publish stored just before the kill, its ack lost, is a duplicate when sent again.
    expect(published + duplicates).toBe(ORDERS);
    expect(duplicates).toBeLessThanOrEqual(5);
    expect(stderr).toMatch(/NATS not answering \(.*\); waiting \d+ ms before line \d+/);

    // Every order in the stream exactly once.
    const probe = await connectBus(nats.url, 'test-submit-nats-away-read');
    try {
      const info = await probe.jsm.streams.info(ingest);
      expect(info.state.messages).toBe(ORDERS);
      const seen = new Map<number, number>();
      const seqs = Array.from({ length: info.state.last_seq - info.state.first_seq + 1 }, (_, i) => info.state.first_seq + i);
      for (let i = 0; i < seqs.length; i += 200) {
        const batch = await Promise.all(seqs.slice(i, i + 200).map((seq) => probe.jsm.streams.getMessage(ingest, { seq })));
        for (const m of batch) {
          if (!m) continue;
          const id = m.json<{ id: number }>().id;
          seen.set(id, (seen.get(id) ?? 0) + 1);
        }
      }
      expect(seen.size).toBe(ORDERS);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await probe.close();
    }
  }, 180_000);
});
