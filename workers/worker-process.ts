import { createDb, type Db } from '../sql/database.ts';
import { migrateToLatest } from '../sql/migrate.ts';
import { connectBus, type Bus } from '../streams/connect.ts';
import { namesFor, type Names } from '../streams/names.ts';
import { readQueueDepths } from '../streams/queue-depth.ts';
import type { StageName } from '../streams/pipeline.ts';
import { applyTopology } from '../streams/topology.ts';
import { ALL_STAGES } from './all-stages.ts';
import { createMetrics, serveMetrics, type StageMetrics } from './metrics.ts';
import { errorText } from './error-text.ts';
import { DEFAULT_RUNNER, StageRunner, type RunnerOptions } from './runner.ts';
import { sleep } from './sleep.ts';
import type { StageSettings } from './stage.ts';
import { createTaskPool, type TaskPool } from './task-pool.ts';
import { waitForPoolRoom } from './wait-for-pool-room.ts';
import { DEFAULT_PEAK_RULES, type PeakRules } from './peak/decide-peak.ts';
import { startPeakGuard, type PeakGuard } from './peak/peak-guard.ts';
import { openPeakStore } from '../streams/peak-mode.ts';
import { startHeartbeat } from './heartbeat.ts';
import { startAtsPublisher } from './inventory/ats-publisher.ts';
import { startInterceptionSweep } from './waybill/interception-sweep.ts';
import { startPickCancelSweep } from './pick/pick-cancel-sweep.ts';
import { startInvoiceSweep } from './invoice/invoice-sweep.ts';
import { startShippedFeed } from './pick/shipped-feed.ts';
import { openAtsBucket } from '../streams/ats-bucket.ts';
import { DEFAULT_EXCEPTION_ALERT, type ExceptionAlertRule } from './kpi/exception-alert.ts';
import { startKpiTask } from './kpi/kpi-task.ts';
import { writeScrapeTarget } from './scrape-target.ts';
import { deadLetterCount } from '../streams/dead-letter.ts';

export interface WorkerOptions {
  natsUrl: string;
  /** Prefix of every stream, subject and consumer name. */
  namespace: string;
  databaseUrl: string;
  settings: StageSettings;
  stages: readonly StageName[];
  runner?: Partial<RunnerOptions>;
  /** Worker threads of the CPU pool; 0 runs CPU work inline. */
  poolThreads?: number;
  /** Port for /metrics; undefined serves none (tests). */
  metricsPort?: number;
  metricsPortStrict?: boolean;
  /** Apply migrations and the stream topology first (idempotent). */
  apply?: boolean;
  /** The peak guard's rules and replay rate (defaults: 50 orders/min for 10 min, out below 40 for 10 min). */
  peak?: Partial<PeakGuardSettings>;
  log?: (line: string) => void;
  /** The KPI task (KPI gauges, the exception alert); false runs none. Default: the spec's rule, no webhook, every 60 s. */
  kpi?: Partial<KpiTaskSettings> | false;
  /** Directory for this process's Prometheus file-SD target (written at start, removed at stop); undefined writes none. */
  sdDir?: string;
  /** How often an invoice process's sweep looks for due invoices (default 5000 ms). */
  invoiceSweepMs?: number;
}

export interface KpiTaskSettings extends ExceptionAlertRule {
  webhookUrl: string | undefined;
  intervalSeconds: number;
}

export interface PeakGuardSettings extends PeakRules {
  /** Deferred messages this process replays per second after a peak. */
  replayPerSecond: number;
  /** How often the guard samples the inflow. */
  sampleMs: number;
  /** The admission limit (`ORDERSURGE_MAX_CORE_BACKLOG`; 0: none): a core held at it stays in peak mode. */
  maxCoreBacklog: number;
}

export const DEFAULT_PEAK_GUARD: PeakGuardSettings = { ...DEFAULT_PEAK_RULES, replayPerSecond: 200, sampleMs: 1000, maxCoreBacklog: 10_000 };

export interface RunningWorkers {
  metrics: StageMetrics;
  peak: PeakGuard;
  metricsPort: number | undefined;
  bus: Bus;
  db: Db;
  /** Stops pulling, lets in-flight work finish, then closes everything. */
  stop(): Promise<void>;
}

/** Starts the runners of the given stages in this process, sharing one connection and pool. */
export async function startWorkers(opts: WorkerOptions): Promise<RunningWorkers> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const names = namesFor(opts.namespace);
  const bus = await connectBus(opts.natsUrl, `ordersurge-worker:${opts.stages.join(',')}`, 'worker');
  const db = createDb(opts.databaseUrl, Math.max(10, opts.stages.length * 10));
  if (opts.apply ?? true) {
    await migrateToLatest(db);
    await applyTopology(bus.jsm, names);
  }
  // Full pool queue: the batch waits (backpressure) rather than failing into a retry storm.
  const pool: TaskPool = waitForPoolRoom(createTaskPool(opts.poolThreads));
  const metrics = createMetrics();
  const server = opts.metricsPort === undefined ? undefined : await serveMetrics(metrics.registry, opts.metricsPort, opts.metricsPortStrict ?? false);
  const runnerOptions: RunnerOptions = { ...DEFAULT_RUNNER, ...opts.runner };
  const abort = new AbortController();
  const peakSettings = { ...DEFAULT_PEAK_GUARD, ...opts.peak };
  const peak = await startPeakGuard({ bus, names, store: await openPeakStore(bus, names), rules: peakSettings, replayPerSecond: peakSettings.replayPerSecond, sampleMs: peakSettings.sampleMs, maxCoreBacklog: peakSettings.maxCoreBacklog, metrics, log });
  const ctx = { db, pool, settings: opts.settings, peak, log };
  const runs = opts.stages.map((stage) =>
    new StageRunner(ALL_STAGES[stage], bus, names, ctx, metrics, runnerOptions).run(abort.signal).catch((error: unknown) => {
      log(`${stage}: runner stopped: ${errorText(error)}`);
    }),
  );
  const watcher = watchQueues(bus, names, metrics, abort.signal);
  const kpiSettings = opts.kpi === false ? undefined : { ...DEFAULT_EXCEPTION_ALERT, webhookUrl: undefined, intervalSeconds: 60, ...opts.kpi };
  const kpiTask = kpiSettings && startKpiTask({ db, bus, names, metrics, rule: kpiSettings, webhookUrl: kpiSettings.webhookUrl, intervalMs: kpiSettings.intervalSeconds * 1000, log });
  const target = opts.sdDir === undefined || server === undefined ? undefined : await writeScrapeTarget(opts.sdDir, server.port, opts.stages);
  const heartbeat = await startHeartbeat({ bus, names, stages: opts.stages, concurrency: runnerOptions.concurrency, pool, metrics, log });
  // Routing processes publish available-to-sell: every committed stock change, whoever made it.
  const ats = opts.stages.includes('routing') ? await startAtsPublisher({ databaseUrl: opts.databaseUrl, db, kv: await openAtsBucket(bus.nc, names), log }) : undefined;
  // Waybill processes have the carrier void the parcels of orders cancelled after their waybill.
  const interceptions = opts.stages.includes('waybill') ? startInterceptionSweep({ db, carrierUrl: opts.settings.carrierUrl, carrierUrls: opts.settings.carrierUrls, log }) : undefined;
  // Pick processes have the WMS cancel the pick tasks of cancelled orders, and record parcels it shipped.
  const pickSweeps = opts.stages.includes('pick')
    ? [startPickCancelSweep({ db, wmsUrl: opts.settings.wmsUrl, log }), startShippedFeed({ db, wmsUrl: opts.settings.wmsUrl, log })]
    : [];
  // Invoice processes ask for invoices that waited for the parcel, and the reversals of full refunds.
  const invoiceSweep = opts.stages.includes('invoice') ? startInvoiceSweep({ db, settings: opts.settings, peak, log, ...(opts.invoiceSweepMs === undefined ? {} : { intervalMs: opts.invoiceSweepMs }) }) : undefined;
  let stopped: Promise<void> | undefined;
  return {
    metrics,
    peak,
    metricsPort: server?.port,
    bus,
    db,
    stop: () =>
      (stopped ??= (async () => {
        abort.abort();
        await Promise.all(runs);
        await ats?.stop();
        await interceptions?.stop();
        await Promise.all(pickSweeps.map((s) => s.stop()));
        await invoiceSweep?.stop();
        await watcher;
        await target?.remove();
        await kpiTask?.stop();
        await heartbeat.stop();
        await peak.stop();
        await pool.destroy();
        await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
        await bus.close();
        await db.destroy();
      })()),
  };
}

/** Keeps the queue-depth gauges current, so Prometheus sees backlog per stage. */
async function watchQueues(bus: Bus, names: Names, metrics: StageMetrics, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      for (const q of await readQueueDepths(bus.jsm, names)) {
        metrics.queuePending.set({ stage: q.stage }, q.pending);
        metrics.queueAckPending.set({ stage: q.stage }, q.ackPending);
        metrics.redelivered.set({ stage: q.stage }, q.redelivered);
        metrics.queueDepth.set({ stage: q.stage }, q.pending + q.ackPending);
        metrics.queueOldestAge.set({ stage: q.stage }, q.oldestAgeMs / 1000);
      }
      metrics.deadLetters.set(await deadLetterCount(bus.jsm, names));
    } catch {
      // The next round tries again; a missing reading is not worth stopping a worker for.
    }
    await sleep(2000, signal);
  }
}
