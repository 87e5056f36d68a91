import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { sparePort } from '../scripts/servers/port.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));

describe('the ordersurge command', () => {
  let p: TestPipeline;
  // Asynchronous on purpose: the pipeline's workers run in this process and must keep running.
  const run = (args: string[], input?: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: { ...process.env, NATS_URL: p.config.natsUrl, DATABASE_URL: p.databaseUrl, ORDERSURGE_NAMESPACE: p.names.namespace },
        timeout: 30_000,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input ?? '');
    });

  beforeAll(async () => {
    p = await createTestPipeline();
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 50);
    await p.startWorkers();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('sets and shows stock as JSON, and names the field of bad input with exit code 2', async () => {
    expect((await run(['inventory', 'set', 'TEA-X', 'suzhou', '7'])).code).toBe(0);
    const shown = await run(['inventory', 'show', 'TEA-X', '--json']);
    expect(JSON.parse(shown.stdout)).toEqual([{ warehouse: 'suzhou', onHand: 7, reserved: 0, available: 7 }]);
    const bad = await run(['inventory', 'set', 'TEA-X', 'suzhou', '-1']);
    expect(bad).toMatchObject({ code: 2, stderr: 'ordersurge: qty: must be a non-negative integer, got "-1"\n' });
    expect(await run(['inventory', 'set', 'TEA-X', 'atlantis', '1'])).toMatchObject({ code: 2, stderr: 'ordersurge: warehouse: unknown warehouse "atlantis"\n' });
  });

  it('submits JSON lines from standard input and shows the order as JSON with its events', async () => {
    const orders = [generateShopOrder(901), generateShopOrder(902)];
    const submitted = await run(['submit', '--channel', 'shop', '-'], orders.map((o) => JSON.stringify(o)).join('\n'));
    expect(submitted).toMatchObject({ code: 0, stdout: 'submitted 2 shop payload(s)\n' });
    const id = `shop:${String(orders[0]!.id)}`;
    await eventually(async () => ((await p.db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirst())?.status === 'notified' ? true : undefined), 20_000, `${id} notified`);

    const shown = await run(['order', 'show', id, '--json']);
    expect(shown.code).toBe(0);
    const view = JSON.parse(shown.stdout);
    expect(view).toMatchObject({ id, channel: 'shop', externalId: String(orders[0]!.id), status: 'notified', amounts: { paid: 56500, goods: 58500, discount: 2000, shipping: 0 } });
    expect(view.lines.map((l: { sku: string }) => l.sku)).toEqual(['TEA-PE-357', 'CUP-WHITE']);
    expect(view.events.map((e: { type: string }) => e.type)).toEqual(['received', 'priced', 'routed', 'picking', 'waybilled', 'notified']);
    expect(view.shipments[0].waybillNo).toMatch(/^SIM/);
    expect(view.shipments[0]).toMatchObject({ pickTask: expect.stringMatching(/^PICK/), pickStatus: 'open' });
    expect(typeof view.processingSeconds).toBe('number');
  });

  it('reports per-stage queue depth, oldest message age, criticality and dead letters as JSON', async () => {
    const status = await run(['status', '--json']);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout);
    expect(parsed.stages.map((s: { stage: string }) => s.stage)).toEqual(['ingest', 'dedupe', 'pricing', 'routing', 'pick', 'waybill', 'notify', 'invoice', 'points', 'review']);
    expect(Object.keys(parsed.stages[0]).sort()).toEqual(['ackPending', 'criticality', 'deadLetters', 'doneSeq', 'inRatePerSecond', 'lastSeq', 'oldestAgeMs', 'pending', 'ratePerSecond', 'redelivered', 'stage', 'waiting']);
    expect(parsed.stages.map((s: { criticality: string }) => s.criticality)).toEqual(['core', 'core', 'core', 'core', 'core', 'core', 'deferrable', 'deferrable', 'sheddable', 'sheddable']);
    expect(parsed.deadLetters).toBe(0);
    expect(parsed.connectors).toEqual([]);
  });

  it('refuses an order id that is not CHANNEL:EXTERNAL_ID, and an unknown order', async () => {
    expect(await run(['order', 'show', '5012345'])).toMatchObject({ code: 2, stderr: expect.stringContaining('ID: an order is addressed as CHANNEL:EXTERNAL_ID') });
    expect(await run(['order', 'show', 'shop:404'])).toMatchObject({ code: 2, stderr: 'ordersurge: ID: no order shop:404\n' });
  });

  it('prints help for subcommands', async () => {
    const commands = ['worker', 'streams apply', 'order show', 'dlq replay', 'inventory set'];
    const helps = await Promise.all(commands.map((command) => run([...command.split(' '), '--help'])));
    helps.forEach((help, i) => {
      expect(help.code, commands[i]).toBe(0);
      expect(help.stdout, commands[i]).toContain('Usage: ordersurge');
    });
  });
});

describe('the ordersurge command with bad usage or servers out of reach', () => {
  // No pipeline: these fail before any server is used, or because none answers.
  const runWith = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 150_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('exits 2 on usage errors, 0 on --help and --version', async () => {
    const [unknown, missingArgument, missingOption, unknownOption, none, version, help] = await Promise.all([
      runWith(['frobnicate']),
      runWith(['order', 'show']),
      runWith(['worker']),
      runWith(['status', '--bogus']),
      runWith([]),
      runWith(['--version']),
      runWith(['--help']),
    ]);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'frobnicate'") });
    expect(missingArgument).toMatchObject({ code: 2, stderr: expect.stringContaining("missing required argument 'id'") });
    expect(missingOption).toMatchObject({ code: 2, stderr: expect.stringContaining("required option '--stage <stages>' not specified") });
    expect(unknownOption).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown option '--bogus'") });
    expect(none.code).toBe(2);
    expect(version).toMatchObject({ code: 0, stdout: `${(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n` });
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: ordersurge') });
  }, 180_000);

  it('names an unknown channel in an order id', async () => {
    expect(await runWith(['order', 'show', 'nonexistent:1'])).toMatchObject({ code: 2, stderr: expect.stringContaining('ID: unknown channel "nonexistent"') });
  }, 180_000);

  it('says what to do when a server of ones own does not answer, and tells a host that does not resolve from one that refuses', async () => {
    const closedPort = await sparePort();
    const db = await runWith(['order', 'show', 'shop:1'], { DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/x` });
    expect(db.code).toBe(1);
    expect(db.stderr).toContain('DATABASE_URL is not reachable');
    expect(db.stderr).not.toContain('npm run setup');

    const [unresolvable, refused] = await Promise.all([
      runWith(['status'], { NATS_URL: 'nats://no-such-host.invalid:4222' }),
      runWith(['status'], { NATS_URL: `nats://127.0.0.1:${closedPort}` }),
    ]);
    expect(unresolvable).toMatchObject({ code: 1, stderr: expect.stringContaining('host "no-such-host.invalid" is not found') });
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('is not reachable (connection refused)') });
    expect(refused.stderr).not.toContain('npm run setup');
  }, 180_000);
});
