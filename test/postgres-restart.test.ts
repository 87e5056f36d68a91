import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../scripts/servers/port.ts';
import { clusterDir, ensurePostgres, stopEmbedded } from '../scripts/servers/postgres-server.ts';
import { DEMO_CATALOGUE, generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { submitPayload } from '../streams/submit.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const ORDERS = 300;
const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));

/** A TCP port nothing listens on right now. */
async function sparePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * `pg_ctl stop -m immediate`: SIGQUIT to the postmaster, which kills every backend without a
 * word to its clients, then waits until the server is gone (its pid file removed).
 */
async function stopImmediately(pgData: string): Promise<void> {
  const pidFile = path.join(pgData, 'postmaster.pid');
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  process.kill(pid, 'SIGQUIT');
  if (!(await waitFor(async () => !existsSync(pidFile), 30_000, 50))) throw new Error(`Postgres (pid ${pid}) did not stop`);
}

describe('a Postgres restart under load', () => {
  // A cluster of our own, so restarting it disturbs no other test.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ordersurge-pg-restart-'));
  // As root the cluster belongs to the `postgres` user, which must be able to reach it.
  chmodSync(dataDir, 0o755);
  const pgData = clusterDir(dataDir, () => undefined);
  let port: number;
  let p: TestPipeline | undefined;
  let child: ChildProcess | undefined;
  let childLog = '';

  beforeAll(async () => {
    port = await sparePort();
    const server = await ensurePostgres({ databaseUrl: undefined, dataDir, port, log: () => undefined });
    p = await createTestPipeline({}, { databaseServerUrl: server.url });
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 100_000);
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await p?.close();
    await stopEmbedded(dataDir).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const notified = async (): Promise<number> =>
    Number((await p!.db.selectFrom('orders').select(sql<number>`count(*)`.as('n')).where('status', '=', 'notified').executeTakeFirstOrThrow()).n);

  it('is ridden out: the same worker process finishes every order, each notified exactly once', async () => {
    const pipeline = p!;
    child = spawn(process.execPath, [BIN, 'worker', '--stage', 'all', '--no-apply', '--metrics-port', '0', '--concurrency', '64', '--batch-size', '16'], {
      env: {
        ...process.env,
        NATS_URL: pipeline.config.natsUrl,
        DATABASE_URL: pipeline.databaseUrl,
        ORDERSURGE_NAMESPACE: pipeline.names.namespace,
        CARRIER_URL: pipeline.config.carrierUrl,
        SMS_URL: pipeline.config.smsUrl,
        WMS_URL: pipeline.config.wmsUrl,
        INVOICE_URL: pipeline.config.invoiceUrl,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => (childLog += chunk.toString()));
    let exited: string | undefined;
    child.once('exit', (code, signal) => (exited = `worker process exited (code ${code}, signal ${signal}):\n${childLog}`));

    const encoder = new TextEncoder();
    const payloads = Array.from({ length: ORDERS }, (_, i) => generateShopOrder(30_000 + i));
    await Promise.all(payloads.map((o) => submitPayload(pipeline.bus.js, pipeline.names, 'shop', encoder.encode(JSON.stringify(o)))));

    // Restart with work in every stage: some orders done, most still on their way.
    await eventually(async () => (exited !== undefined || (await notified()) >= 10 ? true : undefined), 30_000, 'the worker to finish some orders');
    expect(exited).toBeUndefined();
    await stopImmediately(pgData);
    await new Promise((r) => setTimeout(r, 1000));
    await ensurePostgres({ databaseUrl: undefined, dataDir, port, log: () => undefined });
    expect(await notified()).toBeLessThan(ORDERS);

    await eventually(async () => {
      if (exited !== undefined) throw new Error(exited);
      return (await notified()) === ORDERS ? true : undefined;
    }, 45_000, `all ${ORDERS} orders notified`);
    expect(exited).toBeUndefined();

    const packing = () => pipeline.db.selectFrom('notifications').select(sql<number>`count(*)`.as('n')).select(sql<number>`count(distinct order_id)`.as('orders')).where('kind', '=', 'being_packed').executeTakeFirstOrThrow();
    const notifications = await packing();
    expect({ rows: Number(notifications.n), orders: Number(notifications.orders) }).toEqual({ rows: ORDERS, orders: ORDERS });
    const sms = async () => ((await (await fetch(`${pipeline.sms.url}/stats`)).json()) as { byTemplate: Record<string, number> }).byTemplate;
    // The side steps (review reminder) go on after notify: wait for them, then count once more.
    await eventually(async () => ((await sms()).review_reminder === ORDERS ? true : undefined), 30_000, 'review reminders');
    expect(await sms()).toEqual({ being_packed: ORDERS, review_reminder: ORDERS });
    // The restart hit work in flight, the worker said so once, and gave up on nothing.
    expect(childLog).toMatch(/batch of \d+ failed: (Connection terminated|connect ECONNREFUSED)/);
    expect(childLog.match(/connection to Postgres lost/g)).toHaveLength(1);
    expect(childLog).not.toMatch(/runner stopped|gave up/);
    // Its own waits add up to 105 s; the 30 s default cut it short on a loaded machine.
  }, 150_000);
});
