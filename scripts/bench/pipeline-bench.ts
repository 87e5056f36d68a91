import { sql } from 'kysely';
import type { Db } from '../../sql/database.ts';
import type { Bus } from '../../streams/connect.ts';
import type { Names } from '../../streams/names.ts';
import { readQueueDepths } from '../../streams/queue-depth.ts';
import { sleep } from '../../workers/sleep.ts';
import { adapterFor } from '../../workers/ingest/adapters/index.ts';
import { benchOrders } from './bench-orders.ts';
import type { FeederOut } from './feeder-process.ts';
import { countOutcomes } from './count-outcomes.ts';
import { machineBusySeconds } from './machine-cpu.ts';
import { startPrivateCluster } from './private-cluster.ts';
import { measureCeiling, type CeilingResult } from './relay-ceiling.ts';

export interface PipelineBenchOptions {
  orders: number;
  /** Worker processes, one per entry, each running the stages listed (all six: `['all']`). */
  processes: readonly (readonly string[])[];
  /** Orders per second offered by the feeder; 0 offers as fast as ingest takes them. */
  rate: number;
  seed: number;
  /** Also measure the bare relay ceiling in the same run, before the pipeline. */
  vsCeiling: boolean;
  /** Give up when no order completes for this long. */
  stallSeconds: number;
  /** Extra arguments of every `ordersurge worker` process (`--concurrency 512`, say). */
  workerArgs: readonly string[];
  /** Write a V8 CPU profile of each worker process into this folder (`node --cpu-prof`). */
  profileDir?: string;
  log: (line: string) => void;
}

export interface PipelineBenchResult {
  /** Namespace and database suffix the run used (both removed afterwards). */
  namespace: string;
  orders: number;
  processes: string[];
  offeredRate: number | null;
  payloadBytes: number;
  notified: number;
  exceptions: number;
  deadLetters: number;
  lost: number;
  duplicates: number;
  seconds: number;
  ordersPerSecond: number;
  /** CPU the whole machine spent per order notified (workers, NATS, Postgres, simulators, feeder), in ms; null off Linux. */
  machineCpuMsPerOrder: number | null;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  ceiling?: CeilingResult;
  ceilingOrdersPerSecond?: number;
  ratio?: number;
}

const STOCK = 1_000_000_000;

/**
 * Runs the whole pipeline on its own namespace and database: worker processes running all six
 * stages, the carrier and SMS simulators in their own process, and a feeder process publishing
 * pre-generated orders of all six platforms into ingest. Completion and correctness are read
 * from Postgres and the simulators; everything is removed afterwards.
 */
export async function runPipelineBench(opts: PipelineBenchOptions): Promise<PipelineBenchResult> {
  const cluster = await startPrivateCluster('bench', () => STOCK);
  const { id, names, bus, db, carrierUrl, smsUrl } = cluster;
  try {
    cluster.startWorkers(opts.processes, opts.workerArgs, {}, opts.profileDir ? ['--cpu-prof', '--cpu-prof-dir', opts.profileDir] : []);
    const feeder = cluster.startFeeder({ orders: opts.orders, seed: opts.seed, rate: opts.rate, inFlight: 1000 });
    const { payloadBytes } = await feeder.next((m): m is Extract<FeederOut, { type: 'ready' }> => m.type === 'ready');
    await cluster.workersReady();
    opts.log(`bench: ${opts.processes.length} worker process(es) ready (${opts.processes.map((p) => p.join(',')).join(' / ')}); feeding ${opts.orders} orders (${opts.rate > 0 ? `${opts.rate}/s` : 'as fast as taken'})`);

    let ceiling: CeilingResult | undefined;
    if (opts.vsCeiling) {
      const canonicalBytes = canonicalOrderBytes();
      ceiling = await measureCeiling(bus, `${id}c`, opts.orders, canonicalBytes);
      opts.log(`bench: relay ceiling ${ceiling.ordersPerSecond.toFixed(0)} orders/s (${canonicalBytes}-byte messages, six hops)`);
    }

    const busyBefore = machineBusySeconds();
    feeder.send({ type: 'go' });
    const progress = await waitForCompletion(db, bus, names, opts);
    const busyAfter = machineBusySeconds();
    const fed = await feeder.next((m): m is Extract<FeederOut, { type: 'done' }> => m.type === 'done');
    const publishedAt = new Map(fed.publishedAt);
    const notifiedRows = await db
      .selectFrom('order_events')
      .select(['order_id', 'at'])
      .where('type', '=', 'notified')
      .execute();
    const latencies = notifiedRows.map((r) => r.at.getTime() - (publishedAt.get(r.order_id) ?? fed.firstMs)).sort((a, b) => a - b);
    const lastNotifiedMs = Math.max(...notifiedRows.map((r) => r.at.getTime()));
    const seconds = (lastNotifiedMs - fed.firstMs) / 1000;
    const duplicates = await countDuplicates(db, carrierUrl, smsUrl);
    const result: PipelineBenchResult = {
      namespace: id,
      orders: opts.orders,
      processes: opts.processes.map((p) => p.join(',')),
      offeredRate: opts.rate > 0 ? opts.rate : null,
      payloadBytes,
      notified: progress.notified,
      exceptions: progress.exceptions,
      deadLetters: (await bus.jsm.streams.info(names.deadLetterStream)).state.messages,
      lost: opts.orders - progress.notified - progress.exceptions,
      duplicates,
      seconds,
      ordersPerSecond: progress.notified / seconds,
      machineCpuMsPerOrder: busyBefore === undefined || busyAfter === undefined ? null : ((busyAfter - busyBefore) * 1000) / Math.max(1, progress.notified),
      latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? 0 },
    };
    if (ceiling) {
      result.ceiling = ceiling;
      result.ceilingOrdersPerSecond = ceiling.ordersPerSecond;
      result.ratio = result.ordersPerSecond / ceiling.ordersPerSecond;
    }
    return result;
  } finally {
    await cluster.close();
  }
}

/** Polls Postgres until every order is notified or an exception, or nothing moved for a while. */
async function waitForCompletion(db: Db, bus: Bus, names: Names, opts: PipelineBenchOptions): Promise<{ notified: number; exceptions: number }> {
  let last = { notified: -1, exceptions: 0, at: Date.now() };
  for (;;) {
    await sleep(500, new AbortController().signal);
    // Cheap on purpose, so measuring does not load the Postgres it measures: the narrow
    // notifications table, and exceptions through the status index.
    const counts = await sql<{ notified: number; exceptions: number }>`
      select (select count(*)::int from notifications where kind = 'being_packed') as notified, (select count(*)::int from orders where status = 'exception') as exceptions`.execute(db);
    const now = { ...counts.rows[0]!, at: Date.now() };
    if (now.notified + now.exceptions >= opts.orders) return now;
    if (now.notified !== last.notified) {
      if (Math.floor(now.at / 2000) !== Math.floor(last.at / 2000)) {
        const queues = (await readQueueDepths(bus.jsm, names)).map((q) => `${q.stage} ${q.pending}/${q.ackPending}`).join(' ');
        opts.log(`bench: ${now.notified}/${opts.orders} notified; queues pending/unacked: ${queues}`);
      }
      last = now;
    } else if (now.at - last.at > opts.stallSeconds * 1000) {
      opts.log(`bench: nothing completed for ${opts.stallSeconds} s; stopping with ${now.notified} notified`);
      return now;
    }
  }
}

/**
 * Anything done twice (see `countOutcomes`), once the side steps that follow notify (points,
 * review reminder) have caught up, within reason.
 */
async function countDuplicates(db: Db, carrierUrl: string, smsUrl: string): Promise<number> {
  let outcomes = await countOutcomes(db, carrierUrl, smsUrl);
  for (let i = 0; i < 60 && (outcomes.reminders < outcomes.notified || outcomes.points < outcomes.notified); i++) {
    await sleep(500, new AbortController().signal);
    outcomes = await countOutcomes(db, carrierUrl, smsUrl);
  }
  return outcomes.duplicated;
}

/** Bytes of a real canonical order as it travels from ingest to dedupe, averaged. */
function canonicalOrderBytes(): number {
  const sample = benchOrders(60, 1);
  const sizes = sample.map((o) => {
    const result = adapterFor(o.channel)(JSON.parse(o.payload));
    return result.ok ? JSON.stringify(result.order).length : o.payload.length;
  });
  return Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
