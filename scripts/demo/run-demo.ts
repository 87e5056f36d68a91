import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { ensureServers } from '../servers/ensure-servers.ts';
import { formatDemoSummary, readDemoSummary } from './demo-summary.ts';
import { DEMO_CATALOGUE, DEMO_RULES } from '../simulators/shop-orders.ts';
import { startSimulators } from '../simulators/start-simulators.ts';
import { loadConfig, workerSettingsOf } from '../../cli/config.ts';
import { connectSimulatedPlatforms } from '../../cli/commands/connect.ts';
import { stopOnSignal } from '../../cli/commands/worker.ts';
import { spawnWorkerProcesses } from '../../cli/worker-processes.ts';
import { createDb } from '../../sql/database.ts';
import { migrateToLatest } from '../../sql/migrate.ts';
import { DEMO_WAREHOUSES, setStock, stockedSkus } from '../../sql/queries/inventory.ts';
import { latestRuleSetVersion, saveRuleSet } from '../../sql/queries/pricing.ts';
import { CHANNELS } from '../../streams/canonical-order.ts';
import { connectBus } from '../../streams/connect.ts';
import { admissionGate } from '../../streams/admission.ts';
import { namesFor } from '../../streams/names.ts';
import { STAGES } from '../../streams/pipeline.ts';
import { applyTopology } from '../../streams/topology.ts';
import { snapshotReader } from '../../tui/pipeline-snapshot.ts';
import { formatStatusLine, statusWriter } from '../../tui/status-line.ts';
import { runConsole } from '../../tui/run-console.tsx';
import { thresholdsFromEnv } from '../../tui/thresholds.ts';
import { letterView } from '../../cli/commands/dlq.ts';
import { sleep } from '../../workers/sleep.ts';
import { startWorkers } from '../../workers/worker-process.ts';

const DEMO_STOCK = 10_000_000;
const DEMO_UPDATE_SHARE = 0.03;

export interface DemoOptions {
  rate: number;
  duration: number;
  concurrency: number;
  workerProcesses: number;
  pollMs: number;
  latencyMs: number;
  failRate: number;
}

/**
 * The demo: servers, migrations, topology, demo stock and rules, the simulators, all six stages
 * (here or in worker processes), the six platforms' order APIs polled by their connectors, and a
 * live status line from the pipeline snapshot; stops after `duration` or on Ctrl-C.
 */
export async function runDemo(opts: DemoOptions): Promise<void> {
  const config = loadConfig();
  const names = namesFor(config.namespace);
  // While the console holds the terminal, log lines go to a file instead of through its screen.
  let logTo = (line: string): void => console.error(line);
  const log = (line: string): void => logTo(line);
  const servers = await ensureServers(config, log);
  const bus = await connectBus(servers.natsUrl, 'ordersurge-start');
  const db = createDb(servers.databaseUrl, 4);
  await migrateToLatest(db);
  await applyTopology(bus.jsm, names);
  // Every demo warehouse stocks the catalogue, so the routing rules' preferences show.
  for (const warehouse of DEMO_WAREHOUSES) {
    const seeded = await stockedSkus(db, DEMO_CATALOGUE.map((c) => c.sku), warehouse);
    for (const item of DEMO_CATALOGUE.filter((c) => !seeded.has(c.sku))) await setStock(db, item.sku, warehouse, DEMO_STOCK);
  }
  if ((await latestRuleSetVersion(db)) === undefined) {
    const version = await saveRuleSet(db, DEMO_RULES, 'ordersurge start', 'demo: the simulated shop\'s SAVE20 code and the stores\' 20 off');
    log(`no rule set yet: stored the demo's as version ${version}`);
  }
  const metricsUrls =
    opts.workerProcesses > 0
      ? Array.from({ length: opts.workerProcesses }, (_, i) => `http://127.0.0.1:${config.metricsPort + i}/metrics`)
      : [`http://127.0.0.1:${config.metricsPort}/metrics (the first free port from here)`];
  const sims = await startSimulators(config, { latencyMs: opts.latencyMs, failRate: opts.failRate });
  const workers =
    opts.workerProcesses > 0
      ? spawnWorkerProcesses(opts.workerProcesses, (i) => ['--stage', 'all', '--no-apply', '--concurrency', String(opts.concurrency), '--metrics-port', String(config.metricsPort + i)])
      : await startWorkers({ ...workerSettingsOf(config), natsUrl: servers.natsUrl, databaseUrl: servers.databaseUrl, stages: STAGES, runner: { concurrency: opts.concurrency }, metricsPort: config.metricsPort, apply: false, peak: config.peak, log });
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
    admission: admissionGate(bus.jsm, names, config.maxCoreBacklog),
  });
  const submitted = (): number => channels.connectors.pollers.reduce((n, p) => n + p.published, 0);
  log(`demo: the six platforms emit ${opts.rate} orders/s in all, into ${opts.workerProcesses || 'in-process'} workers; Ctrl-C stops`);

  const abort = new AbortController();
  const startedAt = Date.now();
  // On a terminal the operations console replaces the status line; `q` in it stops the demo.
  const onTerminal = process.stdout.isTTY === true && process.stdin.isTTY === true;
  const logFile = path.join(config.dataDir, 'demo.log');
  if (onTerminal) {
    log(`demo: opening the console (q quits); log lines go to ${logFile}`);
    const file = createWriteStream(logFile, { flags: 'a' });
    logTo = (line) => file.write(`${new Date().toISOString()} ${line}\n`);
  }
  const consoleClosed = onTerminal
    ? runConsole({ bus, db, names, peak: config.peak, since: new Date(startedAt), thresholds: thresholdsFromEnv(), viewLetter: letterView, once: false, signal: abort.signal }).catch((error: unknown) => console.error(`console: ${error instanceof Error ? error.message : String(error)}`))
    : new Promise<void>(() => undefined);
  const snapshots = snapshotReader(bus.jsm, db, names, { since: new Date(startedAt) });
  const writer = statusWriter();
  // Off a terminal's console, log lines print above the live status line, not glued onto it.
  if (!onTerminal) logTo = (line) => writer.log(line);
  const statusLoop = (async () => {
    let last = { at: Date.now(), notified: 0 };
    while (!onTerminal && !abort.signal.aborted) {
      await sleep(1000, abort.signal);
      try {
        const snapshot = await snapshots.read();
        const counts = { notified: snapshot.orders.notified ?? 0, exceptions: snapshot.orders.exception ?? 0 };
        const now = snapshot.at.getTime();
        const ratePerSecond = ((counts.notified - last.notified) * 1000) / Math.max(1, now - last.at);
        writer.write(formatStatusLine({ elapsedSeconds: (now - startedAt) / 1000, submitted: submitted(), ...counts, ratePerSecond, stages: snapshot.stages, deadLetters: snapshot.deadLetters }));
        last = { at: now, notified: counts.notified };
      } catch (error) {
        log(`status: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();

  const stop = async (): Promise<void> => {
    abort.abort();
    // Off a terminal there is no console, and its promise never settles.
    if (onTerminal) await consoleClosed;
    if (onTerminal) logTo = (line) => console.error(line);
    await channels.stop();
    await statusLoop;
    if (!onTerminal) writer.end();
    const seconds = (Date.now() - startedAt) / 1000;
    await workers.stop();
    // Read once the workers have drained, so every order is where it stays.
    const summary = await readDemoSummary(db, new Date(startedAt), { seconds, published: submitted(), metricsUrls });
    await sims.close();
    await bus.close();
    await db.destroy();
    console.log(formatDemoSummary(summary));
  };
  const childExit = 'exited' in workers ? workers.exited.then((e) => log(`worker process ${e.pid} exited with code ${e.code}: stopping`)) : new Promise<void>(() => undefined);
  if (opts.duration > 0) {
    await Promise.race([sleep(opts.duration * 1000, abort.signal), stopOnSignal(async () => abort.abort(), log), childExit, consoleClosed]);
  } else {
    await Promise.race([stopOnSignal(async () => abort.abort(), log), childExit, consoleClosed]);
  }
  await stop();
}
