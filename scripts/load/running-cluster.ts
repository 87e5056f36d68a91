import { loadConfig } from '../../cli/config.ts';
import { createDb } from '../../sql/database.ts';
import { connectBus, type Bus } from '../../streams/connect.ts';
import { namesFor, type Names } from '../../streams/names.ts';
import { CORE_STAGES } from '../../streams/pipeline.ts';
import { forkScript, type ChildScript } from '../bench/child-script.ts';
import type { FeederIn, FeederOut, FeederSettings } from '../bench/feeder-process.ts';
import { connectArgs, type PrivateCluster } from '../bench/private-cluster.ts';
import type { PlatformsIn, PlatformsOut } from './platforms-process.ts';
import { fileURLToPath } from 'node:url';
import { ensureServers } from '../servers/ensure-servers.ts';

const BIN = fileURLToPath(new URL('../../bin/ordersurge.mjs', import.meta.url));

/**
 * Whether a pipeline runs on `names` now: every core stage's consumer exists and has a pull
 * waiting (a worker process of that stage is alive and has room). A crashed or stopped worker
 * stops pulling within seconds, so a stale topology alone does not count.
 */
export async function isClusterRunning(bus: Bus, names: Names): Promise<boolean> {
  const infos = await Promise.all(CORE_STAGES.map((stage) => bus.jsm.consumers.info(names.stageStream(stage), names.durable(stage)).catch(() => undefined)));
  return infos.every((info) => info !== undefined && info.num_waiting > 0);
}

/**
 * The cluster this machine's configuration points at (NATS_URL, DATABASE_URL,
 * ORDERSURGE_NAMESPACE, CARRIER_URL, SMS_URL, WMS_URL), if its workers are running; undefined otherwise.
 * A load run on it starts no workers and removes nothing: it only feeds orders and reads.
 */
export async function attachRunningCluster(): Promise<PrivateCluster | undefined> {
  const config = loadConfig();
  const servers = await ensureServers(config, () => undefined);
  const names = namesFor(config.namespace);
  const bus = await connectBus(servers.natsUrl, 'ordersurge-load');
  if (!(await isClusterRunning(bus, names))) {
    await bus.close();
    return undefined;
  }
  const db = createDb(servers.databaseUrl, 4);
  const children: ChildScript<unknown, unknown>[] = [];
  return {
    id: config.namespace,
    names,
    natsUrl: servers.natsUrl,
    databaseUrl: servers.databaseUrl,
    bus,
    db,
    carrierUrl: config.carrierUrl,
    smsUrl: config.smsUrl,
    startWorkers: () => [],
    startFeeder(settings) {
      const feeder = forkScript<FeederIn, FeederOut>('./feeder-process.ts', [JSON.stringify({ ...settings, natsUrl: servers.natsUrl, namespace: config.namespace } satisfies FeederSettings)]);
      children.push(feeder as ChildScript<unknown, unknown>);
      return feeder;
    },
    startPlatforms(settings) {
      const platforms = forkScript<PlatformsIn, PlatformsOut>('../load/platforms-process.ts', [JSON.stringify(settings)]);
      children.push(platforms as ChildScript<unknown, unknown>);
      return platforms;
    },
    // The running cluster's own configuration (this process's environment) points it there.
    startConnect(urls, env = {}, shops = []) {
      const connect = forkScript<unknown, unknown>(BIN, connectArgs(urls, shops), { ...process.env, ...env });
      children.push(connect);
      return connect;
    },
    workersReady: async () => undefined,
    async close() {
      await Promise.all(children.map((c) => c.stop()));
      await bus.close();
      await db.destroy();
    },
  };
}
