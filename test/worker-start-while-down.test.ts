import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivatePostgres, type PrivatePostgres } from '../scripts/faults/private-postgres.ts';
import { DEMO_CATALOGUE, generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { submitPayload } from '../streams/submit.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));
const ORDERS = 5;

describe('a worker started while Postgres restarts', () => {
  // A cluster of our own, so stopping it disturbs no other test.
  let pg: PrivatePostgres;
  let p: TestPipeline | undefined;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    p = await createTestPipeline({}, { databaseServerUrl: pg.url });
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 1000);
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await p?.close().catch(() => undefined);
    await pg?.close();
  });

  it('waits for it and comes up by itself, instead of exiting', async () => {
    const pipeline = p!;
    await pg.stopImmediately();
    child = spawn(process.execPath, [BIN, 'worker', '--stage', 'all', '--no-apply', '--metrics-port', '0', '--concurrency', '16', '--batch-size', '8'], {
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
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    let exited: string | undefined;
    child.once('exit', (code, signal) => (exited = `worker exited (code ${code}, signal ${signal}):\n${log}`));

    await eventually(async () => (exited !== undefined || /waiting for it/.test(log) ? true : undefined), 60_000, 'the worker to start and find Postgres away');
    expect(exited).toBeUndefined();
    expect(log).toMatch(/DATABASE_URL is not reachable .*; waiting for it to answer/);
    await pg.start();

    const encoder = new TextEncoder();
    for (let i = 0; i < ORDERS; i++) await submitPayload(pipeline.bus.js, pipeline.names, 'shop', encoder.encode(JSON.stringify(generateShopOrder(41_000 + i))));
    await eventually(async () => {
      if (exited !== undefined) throw new Error(exited);
      const row = await sql<{ n: number }>`select count(*)::int as n from orders where status = 'notified'`.execute(pipeline.db).catch(() => undefined);
      return row?.rows[0]?.n === ORDERS ? true : undefined;
    }, 60_000, `all ${ORDERS} orders notified by the worker that waited`);
    expect(log).toMatch(/servers answer again: starting/);
  }, 150_000);
});
