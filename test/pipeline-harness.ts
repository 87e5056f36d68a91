import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig, workerSettingsOf, type Config } from '../cli/config.ts';
import { createDatabaseIfMissing, dropDatabase } from '../scripts/servers/postgres-server.ts';
import { startCarrierSimulator } from '../scripts/simulators/carrier-simulator.ts';
import { startSmsSimulator } from '../scripts/simulators/sms-simulator.ts';
import { startWmsSimulator } from '../scripts/simulators/wms-simulator.ts';
import { startInvoiceSimulator } from '../scripts/simulators/invoice-simulator.ts';
import type { Faults, RunningServer } from '../scripts/simulators/json-server.ts';
import { appUrlOf, ensureAppRole, grantAppRole } from '../sql/app-role.ts';
import { createDb, type Db } from '../sql/database.ts';
import { migrateToLatest } from '../sql/migrate.ts';
import { connectBus, type Bus } from '../streams/connect.ts';
import { namesFor, type Names } from '../streams/names.ts';
import { applyTopology, DEFAULT_TOPOLOGY, deleteTopology, type TopologyOptions } from '../streams/topology.ts';
import type { RunnerOptions } from '../workers/runner.ts';
import { startWorkers, type PeakGuardSettings, type RunningWorkers } from '../workers/worker-process.ts';
import type { StageName } from '../streams/pipeline.ts';
import { STAGES } from '../streams/pipeline.ts';

/**
 * A private pipeline for one test file: its own database and its own stream namespace on the
 * shared servers, plus its own carrier, SMS, WMS and invoice simulators.
 */
export interface TestPipeline {
  config: Config;
  /** The app role's URL of the test's database (what workers use); `db` is the owner's. */
  databaseUrl: string;
  names: Names;
  bus: Bus;
  db: Db;
  carrier: RunningServer;
  /** Latency and failures of the carrier simulator; change them to slow or break it mid-test. */
  carrierFaults: Faults;
  sms: RunningServer;
  /** The WMS simulator: it ships a pick task only when told (`POST /admin/ship`). */
  wms: RunningServer;
  /** Latency and failures of the WMS simulator. */
  wmsFaults: Faults;
  /** The electronic invoice simulator. */
  invoice: RunningServer;
  /** Latency and failures of the invoice simulator. */
  invoiceFaults: Faults;
  /** `log` receives the workers' log lines; dropped by default. */
  startWorkers(stages?: readonly StageName[], runner?: Partial<RunnerOptions>, log?: (line: string) => void, peak?: Partial<PeakGuardSettings>): Promise<RunningWorkers>;
  close(): Promise<void>;
}

export interface TestPipelineOptions {
  /** Postgres server to make the test database on (any database in the URL): the shared one by default. */
  databaseServerUrl?: string;
}

export async function createTestPipeline(topology: Partial<TopologyOptions> = {}, options: TestPipelineOptions = {}): Promise<TestPipeline> {
  const id = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const serverUrl = options.databaseServerUrl ?? inject('databaseUrl');
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  await createDatabaseIfMissing(admin.toString(), `ordersurge_${id}`);
  const dbUrl = new URL(serverUrl);
  dbUrl.pathname = `/ordersurge_${id}`;
  // Workers and CLI children connect as the app role (rows only), as they do after setup.
  const databaseUrl = appUrlOf(dbUrl.toString());

  const carrierFaults: Faults = { latencyMs: 0, failRate: 0 };
  const carrier = await startCarrierSimulator(0, carrierFaults);
  const sms = await startSmsSimulator(0, { latencyMs: 0, failRate: 0 });
  const wmsFaults: Faults = { latencyMs: 0, failRate: 0 };
  const wms = await startWmsSimulator(0, wmsFaults);
  const invoiceFaults: Faults = { latencyMs: 0, failRate: 0 };
  const invoice = await startInvoiceSimulator(0, invoiceFaults);
  const config: Config = {
    ...loadConfig({ NATS_URL: inject('natsUrl'), ORDERSURGE_NAMESPACE: id }),
    databaseUrl,
    carrierUrl: carrier.url,
    smsUrl: sms.url,
    wmsUrl: wms.url,
    invoiceUrl: invoice.url,
  };
  const names = namesFor(id);
  const bus = await connectBus(config.natsUrl, `test-${id}`);
  // The test's own handle is the owner's: it migrates and may arrange anything.
  const db = createDb(dbUrl.toString());
  await migrateToLatest(db);
  await ensureAppRole(db);
  await grantAppRole(db);
  // Small queues: every test run reserves its own streams' storage on the shared server.
  await applyTopology(bus.jsm, names, {
    ...DEFAULT_TOPOLOGY,
    stageMaxBytes: 8 * 1024 ** 2,
    deadLetterMaxBytes: 8 * 1024 ** 2,
    // A killed worker's messages come back in seconds rather than the production 30 s.
    ackWaitMs: 3000,
    ...topology,
  });
  const running: RunningWorkers[] = [];

  return {
    config,
    databaseUrl,
    names,
    bus,
    db,
    carrier,
    carrierFaults,
    sms,
    wms,
    wmsFaults,
    invoice,
    invoiceFaults,
    async startWorkers(stages = STAGES, runner = {}, log = () => undefined, peak = {}) {
      const workers = await startWorkers({
        ...workerSettingsOf(config),
        databaseUrl,
        stages,
        poolThreads: 1,
        apply: false,
        runner: { retryBaseMs: 100, ...runner },
        peak: { sampleMs: 200, ...peak },
        invoiceSweepMs: 200,
        log,
      });
      running.push(workers);
      return workers;
    },
    async close() {
      await Promise.all(running.map((w) => w.stop()));
      await deleteTopology(bus.jsm, names);
      await bus.close();
      await db.destroy();
      await carrier.close();
      await sms.close();
      await wms.close();
      await invoice.close();
      await dropDatabase(admin.toString(), `ordersurge_${id}`);
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Puts an order straight into Postgres as 'priced', with one line: for tests that start at routing. */
export async function insertPricedOrder(db: Db, order: { id: string; sku: string; qty: number; address?: Record<string, string> }): Promise<void> {
  await db
    .insertInto('orders')
    .values({ id: order.id, channel: 'shop', external_id: order.id.slice(order.id.indexOf(':') + 1), status: 'priced', channel_status: 'paid', refund_status: 'none', version: 1, placed_at: new Date(), paid_at: new Date(), channel_updated_at: new Date(), buyer: '', address: JSON.stringify(order.address ?? {}), payment_method: 'online', goods_fen: 100, discount_fen: 0, shipping_fen: 0, paid_fen: 100, coupons: '[]', buyer_message: '', seller_memo: '', raw: '{}' })
    .execute();
  await db.insertInto('order_lines').values({ order_id: order.id, line_id: '1', sku: order.sku, platform_sku_id: '', title: order.sku, qty: order.qty, unit_price_fen: 100, payable_fen: 100, refund_status: 'none', gift: false }).execute();
}
