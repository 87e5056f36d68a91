import { Command } from 'commander';
import { sql } from 'kysely';
import { ensureServers } from '../../scripts/servers/ensure-servers.ts';
import { DEMO_CATALOGUE, DEMO_RULES } from '../../scripts/simulators/shop-orders.ts';
import { startSimulators } from '../../scripts/simulators/start-simulators.ts';
import { createDb } from '../../sql/database.ts';
import { migrateToLatest } from '../../sql/migrate.ts';
import { setStock } from '../../sql/queries/inventory.ts';
import { latestRuleSetVersion, saveRuleSet } from '../../sql/queries/pricing.ts';
import { connectBus } from '../../streams/connect.ts';
import { namesFor } from '../../streams/names.ts';
import { STAGES } from '../../streams/pipeline.ts';
import { readPipelineStatus } from '../../streams/pipeline-status.ts';
import { applyTopology } from '../../streams/topology.ts';
import { formatStatusLine, statusWriter } from '../../tui/status-line.ts';
import { DEFAULT_RUNNER } from '../../workers/runner.ts';
import { sleep } from '../../workers/sleep.ts';
import { startWorkers } from '../../workers/worker-process.ts';
import { loadConfig, workerSettingsOf } from '../config.ts';
import { action, intOption } from '../run-action.ts';
import { spawnWorkerProcesses } from '../worker-processes.ts';
import { CHANNELS } from '../../streams/canonical-order.ts';
import { connectSimulatedPlatforms } from './connect.ts';
import { faultOptions, rateOption } from './simulate.ts';
import { stopOnSignal } from './worker.ts';

const DEMO_STOCK = 10_000_000;
const DEMO_UPDATE_SHARE = 0.03;

interface StartOptions {
  rate: number;
  duration: number;
  concurrency: number;
  workerProcesses: number;
  pollMs: number;
  latencyMs: number;
  failRate: number;
}

export function startCommand(): Command {
  return faultOptions(
    new Command('start')
      .description('the demo: servers, migrations, topology, all six stages, the simulators, and orders fed at a steady rate, with a live status line')
      .option('--rate <n>', 'orders per second the demo platforms emit in all (split evenly across the six channels)', rateOption('--rate', 100_000), 30)
      .option('--duration <s>', 'stop by itself after this many seconds (0: run until Ctrl-C)', intOption('--duration'), 0)
      .option('--concurrency <n>', 'messages in flight per stage and process', intOption('--concurrency'), DEFAULT_RUNNER.concurrency)
      .option('--worker-processes <n>', 'separate worker processes running all six stages (0: inside this process, fastest on one small machine)', intOption('--worker-processes'), 0)
      .option('--poll-ms <ms>', 'how often each platform is polled', intOption('--poll-ms'), 1000),
  ).action(action(runDemo));
}

async function runDemo(opts: StartOptions): Promise<void> {
  const config = loadConfig();
  const names = namesFor(config.namespace);
  const log = (line: string): void => console.error(line);
  const servers = await ensureServers(config, log);
  const bus = await connectBus(servers.natsUrl, 'ordersurge-start');
  const db = createDb(servers.databaseUrl, 4);
  await migrateToLatest(db);
  await applyTopology(bus.jsm, names);
  const seeded = await db.selectFrom('inventory').select('sku').where('warehouse', '=', 'suzhou').where('sku', 'in', DEMO_CATALOGUE.map((c) => c.sku)).execute();
  for (const item of DEMO_CATALOGUE.filter((c) => !seeded.some((s) => s.sku === c.sku))) {
    await setStock(db, item.sku, 'suzhou', DEMO_STOCK);
  }
  if ((await latestRuleSetVersion(db)) === undefined) {
    const version = await saveRuleSet(db, DEMO_RULES, 'ordersurge start', 'demo: the simulated shop\'s SAVE20 code and the stores\' 20 off');
    log(`no rule set yet: stored the demo's as version ${version}`);
  }
  const sims = await startSimulators(config, { latencyMs: opts.latencyMs, failRate: opts.failRate });
  const workers =
    opts.workerProcesses > 0
      ? spawnWorkerProcesses(opts.workerProcesses, (i) => ['--stage', 'all', '--no-apply', '--concurrency', String(opts.concurrency), '--metrics-port', String(config.metricsPort + i)])
      : await startWorkers({ ...workerSettingsOf(config), natsUrl: servers.natsUrl, databaseUrl: servers.databaseUrl, stages: STAGES, runner: { concurrency: opts.concurrency }, metricsPort: config.metricsPort, apply: false, log });
  // Every channel's simulated order API, polled by its connector: orders, and later updates of
  // them (paid, cancelled, refunded, readdressed), come in as they would from the platforms.
  const perChannel = opts.rate / CHANNELS.length;
  const channels = await connectSimulatedPlatforms({
    js: bus.js,
    names,
    db,
    rate: perChannel,
    // Most orders never change after they are paid; a few in a hundred get cancelled, refunded or readdressed.
    updatesPerSecond: perChannel * DEMO_UPDATE_SHARE,
    pull: { intervalMs: opts.pollMs },
    log,
  });
  const submitted = (): number => channels.connectors.pollers.reduce((n, p) => n + p.published, 0);
  log(`demo: the six platforms emit ${opts.rate} orders/s in all, into ${opts.workerProcesses || 'in-process'} workers; Ctrl-C stops`);

  const abort = new AbortController();
  const startedAt = Date.now();
  const countSince = async () => {
    const rows = await db
      .selectFrom('orders')
      .select(['status', sql<number>`count(*)::int`.as('n')])
      .where('created_at', '>=', new Date(startedAt))
      .groupBy('status')
      .execute();
    const of = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
    return { notified: of('notified'), exceptions: of('exception') };
  };
  const writer = statusWriter();
  const statusLoop = (async () => {
    let last = { at: Date.now(), notified: 0 };
    while (!abort.signal.aborted) {
      await sleep(1000, abort.signal);
      try {
        const [counts, pipeline] = await Promise.all([countSince(), readPipelineStatus(bus.jsm, names)]);
        const now = Date.now();
        const ratePerSecond = ((counts.notified - last.notified) * 1000) / Math.max(1, now - last.at);
        writer.write(formatStatusLine({ elapsedSeconds: (now - startedAt) / 1000, submitted: submitted(), ...counts, ratePerSecond, ...pipeline }));
        last = { at: now, notified: counts.notified };
      } catch (error) {
        log(`status: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();

  const stop = async (): Promise<void> => {
    abort.abort();
    await channels.stop();
    await statusLoop;
    writer.end();
    const seconds = (Date.now() - startedAt) / 1000;
    const counts = await countSince();
    await workers.stop();
    await sims.close();
    await bus.close();
    await db.destroy();
    console.log(
      `ran ${seconds.toFixed(1)} s: submitted ${submitted()}, notified ${counts.notified} (${(counts.notified / seconds).toFixed(1)} orders/s end to end), exceptions ${counts.exceptions}`,
    );
  };
  const childExit = 'exited' in workers ? workers.exited.then((e) => log(`worker process ${e.pid} exited with code ${e.code}: stopping`)) : new Promise<void>(() => undefined);
  if (opts.duration > 0) {
    await Promise.race([sleep(opts.duration * 1000, abort.signal), stopOnSignal(async () => abort.abort()), childExit]);
  } else {
    await Promise.race([stopOnSignal(async () => abort.abort()), childExit]);
  }
  await stop();
}
