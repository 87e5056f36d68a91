import { Command } from 'commander';
import { loadConfig, workerSettingsOf } from '../config.ts';
import { action, InputError, intOption } from '../run-action.ts';
import { migrateAsOwner } from '../../scripts/servers/database-roles.ts';
import { waitForServers } from '../wait-for-servers.ts';
import { connectBus } from '../../streams/connect.ts';
import { namesFor } from '../../streams/names.ts';
import { applyTopology } from '../../streams/topology.ts';
import { isStageName, STAGES, type StageName } from '../../streams/pipeline.ts';
import { DEFAULT_RUNNER } from '../../workers/runner.ts';
import { defaultPoolThreads } from '../../workers/task-pool.ts';
import { startWorkers } from '../../workers/worker-process.ts';

/** Parses `--stage ingest,dedupe` or `--stage all`. */
export function parseStages(value: string): StageName[] {
  if (value === 'all') return [...STAGES];
  const stages = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = stages.filter((s) => !isStageName(s));
  if (unknown.length || stages.length === 0) {
    throw new InputError(`--stage: unknown stage ${JSON.stringify(unknown.join(',') || value)}; one or more of ${STAGES.join(', ')}, or all`);
  }
  return stages as StageName[];
}

export function workerCommand(): Command {
  return new Command('worker')
    .description('run stage workers against their durable consumers; start as many processes as you like, on any machine')
    .requiredOption('--stage <stages>', `stage(s) to run, comma-separated (${STAGES.join(', ')}) or all`, parseStages)
    .option('--concurrency <n>', 'messages held in flight per stage', intOption('--concurrency'), DEFAULT_RUNNER.concurrency)
    .option('--batch-size <n>', 'messages per handler call', intOption('--batch-size'), DEFAULT_RUNNER.batchSize)
    .option('--peak-concurrency <n>', 'messages a core stage may hold in flight while peak mode is on (the deferred stages keep one batch)', intOption('--peak-concurrency'), DEFAULT_RUNNER.peakConcurrency)
    .option('--max-deliver <n>', 'deliveries of a failing message before it is dead-lettered', intOption('--max-deliver'), DEFAULT_RUNNER.maxDeliver)
    .option('--pool-threads <n>', 'CPU worker threads (0: inline)', intOption('--pool-threads'), defaultPoolThreads())
    .option('--metrics-port <port>', 'port for /metrics (default METRICS_PORT or 9464; the next free one if taken)', intOption('--metrics-port'))
    .option('--no-apply', 'do not apply migrations and the topology at start')
    .action(
      action(async (opts: { stage: StageName[]; concurrency: number; batchSize: number; peakConcurrency: number; maxDeliver: number; poolThreads: number; metricsPort?: number; apply: boolean }) => {
        const config = loadConfig();
        if (opts.concurrency < 1 || opts.batchSize < 1) throw new InputError('--concurrency and --batch-size: must be at least 1');
        // A supervisor may start a worker while a server restarts: wait for it, as a running worker does.
        const servers = await waitForServers(config, (line) => console.error(line));
        // Migrations as the owner and the topology as NATS admin, here and only here: the stages
        // connect as the app role and the worker user, which may do neither.
        if (opts.apply) {
          await migrateAsOwner({ ownerUrl: servers.databaseUrl, appUrl: servers.appDatabaseUrl });
          const admin = await connectBus(servers.natsUrl, 'ordersurge-worker-setup', 'admin');
          try {
            await applyTopology(admin.jsm, namesFor(config.namespace));
          } finally {
            await admin.close();
          }
        }
        const workers = await startWorkers({
          ...workerSettingsOf(config),
          databaseUrl: servers.appDatabaseUrl,
          stages: opts.stage,
          runner: { concurrency: opts.concurrency, batchSize: Math.min(opts.batchSize, opts.concurrency), maxDeliver: Math.max(1, opts.maxDeliver), peakConcurrency: opts.peakConcurrency },
          poolThreads: opts.poolThreads,
          metricsPort: opts.metricsPort ?? config.metricsPort,
          metricsPortStrict: opts.metricsPort !== undefined,
          apply: false,
          peak: { ...config.peak, maxCoreBacklog: config.maxCoreBacklog },
          kpi: { ...config.exceptionAlert, intervalSeconds: config.kpiIntervalSeconds },
          ...(config.sdDir === undefined ? {} : { sdDir: config.sdDir }),
        });
        console.error(
          `worker ${process.pid}: ${opts.stage.join(', ')} (concurrency ${opts.concurrency}, pool ${opts.poolThreads} threads), metrics on :${workers.metricsPort}/metrics`,
        );
        await stopOnSignal(() => workers.stop());
      }),
    );
}

/**
 * Resolves once SIGINT or SIGTERM arrived and `stop` finished; a second signal exits at once.
 * A process started by another with an IPC channel (`spawnWorkerProcesses`) also stops when that
 * parent ends, however it ends, so a worker never outlives the demo that started it. What it
 * says goes to `log` (standard error by default; the demo's log prints above its status line).
 */
export function stopOnSignal(stop: () => Promise<void>, log: (line: string) => void = (line) => console.error(line)): Promise<void> {
  return new Promise((resolve) => {
    let stopping: { signal: string; at: number } | undefined;
    const begin = (why: string): void => {
      log(`${why}: draining in-flight work (again to force)`);
      void stop().then(resolve);
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // One Ctrl-C can arrive twice: from the terminal to the whole process group, and again
        // from `npm start`, which forwards it to its script. The same signal within a moment is
        // that one key press; a deliberate second press comes later.
        if (stopping.signal === signal && Date.now() - stopping.at < DUPLICATE_SIGNAL_MS) return;
        log(`${signal} again: exiting without draining`);
        process.exit(130);
      }
      stopping = { signal, at: Date.now() };
      begin(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (process.channel) {
      process.channel.unref();
      process.once('disconnect', () => {
        if (stopping) return;
        stopping = { signal: 'disconnect', at: Date.now() };
        begin('parent process gone');
      });
    }
  });
}

/** Two deliveries of one signal closer than this are one key press (terminal plus npm). */
const DUPLICATE_SIGNAL_MS = 300;
