import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../cli/config.ts';
import { createDb, type Db } from '../../sql/database.ts';
import { migrateToLatest } from '../../sql/migrate.ts';
import { setStock } from '../../sql/queries/inventory.ts';
import { saveRuleSet } from '../../sql/queries/pricing.ts';
import { connectBus, type Bus } from '../../streams/connect.ts';
import { namesFor, type Names } from '../../streams/names.ts';
import { readQueueDepths } from '../../streams/queue-depth.ts';
import { applyTopology, deleteTopology } from '../../streams/topology.ts';
import { sleep } from '../../workers/sleep.ts';
import { ensureServers } from '../servers/ensure-servers.ts';
import { createDatabaseIfMissing, dropDatabase } from '../servers/postgres-server.ts';
import { DEMO_CATALOGUE, DEMO_RULES } from '../simulators/shop-orders.ts';
import { forkScript, type ChildScript } from './child-script.ts';
import type { FeederIn, FeederOut, FeederSettings } from './feeder-process.ts';
import type { SimulatorsOut } from './simulators-process.ts';
import type { Channel } from '../../streams/canonical-order.ts';
import type { PlatformsIn, PlatformsOut, PlatformsSettings } from '../load/platforms-process.ts';

const BIN = fileURLToPath(new URL('../../bin/ordersurge.mjs', import.meta.url));

/**
 * A pipeline of its own for a benchmark or a load test: a namespace and a database of their
 * own on the configured servers, the carrier, SMS and WMS simulators in a process, worker processes
 * and a feeder process on demand. `close` removes all of it.
 */
export interface PrivateCluster {
  id: string;
  names: Names;
  natsUrl: string;
  databaseUrl: string;
  bus: Bus;
  db: Db;
  carrierUrl: string;
  smsUrl: string;
  /** Starts one `ordersurge worker` per group of stages, with extra worker arguments and environment. */
  startWorkers(groups: readonly (readonly string[])[], args?: readonly string[], env?: NodeJS.ProcessEnv, nodeArgs?: readonly string[]): ChildScript<unknown, unknown>[];
  /** Forks a feeder (it pre-generates its orders, then waits for `go`). */
  startFeeder(settings: Omit<FeederSettings, 'natsUrl' | 'namespace'>): ChildScript<FeederIn, FeederOut>;
  /** Forks the platform simulators of a load run (they create orders at the rate they are sent). */
  startPlatforms(settings: PlatformsSettings): ChildScript<PlatformsIn, PlatformsOut>;
  /** Starts `ordersurge connect` polling the given platform APIs and registered shop accounts into this cluster's ingest. */
  startConnect(urls: Partial<Record<Channel, string>>, env?: NodeJS.ProcessEnv, shops?: readonly string[]): ChildScript<unknown, unknown>;
  /** Resolves once every stage's consumer has a pull waiting. */
  workersReady(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Servers of its own for the cluster (a fault run kills them), instead of the configured ones. */
export interface ClusterServers {
  natsUrl: string;
  /** Any database on the Postgres server; the cluster makes its own database there. */
  databaseUrl: string;
}

/**
 * Creates the cluster: migrated database with the demo catalogue stocked and its rule set,
 * topology applied, simulators up; on the configured servers (brought up as `setup` does), or
 * on `servers`.
 */
export async function startPrivateCluster(prefix: string, stock: (sku: string) => number, servers?: ClusterServers): Promise<PrivateCluster> {
  servers ??= await ensureServers(loadConfig(), () => undefined);
  const id = `${prefix}${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const admin = new URL(servers.databaseUrl);
  admin.pathname = '/postgres';
  const dbUrl = new URL(servers.databaseUrl);
  dbUrl.pathname = `/ordersurge_${id}`;
  await createDatabaseIfMissing(admin.toString(), `ordersurge_${id}`);
  const names = namesFor(id);
  const bus = await connectBus(servers.natsUrl, `ordersurge-${prefix}`);
  const db = createDb(dbUrl.toString(), 4);
  const children: ChildScript<unknown, unknown>[] = [];
  let simulators: ChildScript<unknown, unknown> | undefined;
  const close = async (): Promise<void> => {
    // Workers before the simulators they call: a draining worker's loops (the WMS shipped feed,
    // the sweeps) keep calling until they stop, and a simulator gone first made the feed print
    // "shipped feed: fetch failed" at the end of a bench.
    await Promise.all(children.filter((c) => c !== simulators).map((c) => c.stop()));
    await simulators?.stop();
    await deleteTopology(bus.jsm, names).catch(() => undefined);
    await bus.close();
    await db.destroy();
    await dropDatabase(admin.toString(), `ordersurge_${id}`);
  };
  try {
    await migrateToLatest(db);
    await applyTopology(bus.jsm, names);
    for (const item of DEMO_CATALOGUE) await setStock(db, item.sku, 'suzhou', stock(item.sku));
    await saveRuleSet(db, DEMO_RULES, `ordersurge ${prefix}`, 'the demo rule set');
    const sims = forkScript<never, SimulatorsOut>('./simulators-process.ts', ['0']);
    simulators = sims;
    children.push(sims);
    const { carrierUrl, smsUrl, wmsUrl, invoiceUrl } = await sims.next((m): m is SimulatorsOut => m.type === 'ready');
    const baseEnv = { ...process.env, NATS_URL: servers.natsUrl, DATABASE_URL: dbUrl.toString(), ORDERSURGE_NAMESPACE: id, CARRIER_URL: carrierUrl, SMS_URL: smsUrl, WMS_URL: wmsUrl, INVOICE_URL: invoiceUrl };
    return {
      id,
      names,
      natsUrl: servers.natsUrl,
      databaseUrl: dbUrl.toString(),
      bus,
      db,
      carrierUrl,
      smsUrl,
      startWorkers(groups, args = [], env = {}, nodeArgs = []) {
        const started = groups.map((stages) => forkScript<unknown, unknown>(BIN, ['worker', '--stage', stages.join(','), '--no-apply', '--metrics-port', '0', ...args], { ...baseEnv, ...env }, nodeArgs));
        children.push(...started);
        return started;
      },
      startFeeder(settings) {
        const feeder = forkScript<FeederIn, FeederOut>('./feeder-process.ts', [JSON.stringify({ ...settings, natsUrl: servers.natsUrl, namespace: id } satisfies FeederSettings)]);
        children.push(feeder as ChildScript<unknown, unknown>);
        return feeder;
      },
      startPlatforms(settings) {
        const platforms = forkScript<PlatformsIn, PlatformsOut>('../load/platforms-process.ts', [JSON.stringify(settings)]);
        children.push(platforms as ChildScript<unknown, unknown>);
        return platforms;
      },
      startConnect(urls, env = {}, shops = []) {
        const connect = forkScript<unknown, unknown>(BIN, connectArgs(urls, shops), { ...baseEnv, ...env });
        children.push(connect);
        return connect;
      },
      async workersReady(timeoutMs = 120_000) {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
          const depths = await readQueueDepths(bus.jsm, names);
          if (depths.every((d) => d.waiting >= 1)) return;
          await sleep(250, new AbortController().signal);
        }
        throw new Error(`worker processes did not start pulling within ${timeoutMs / 1000} s`);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `ordersurge connect` for a load run's simulated platforms (unsigned URLs, registered shop accounts): polled every second, as the demo does. */
export function connectArgs(urls: Partial<Record<Channel, string>>, shops: readonly string[] = []): string[] {
  const platforms = Object.entries(urls).flatMap(([channel, url]) => ['--platform-url', `${channel}=${url}`]);
  const accounts = shops.length ? ['--shops', shops.join(',')] : [];
  return ['connect', ...accounts, ...platforms, '--interval-s', '1', '--overlap-s', '5', '--initial-lookback-s', '120', '--no-apply'];
}
