import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { openPeakStore } from '../../streams/peak-mode.ts';
import { readQueueDepths } from '../../streams/queue-depth.ts';
import { CORE_STAGES, NON_CORE_STAGES, STAGES } from '../../streams/pipeline.ts';
import type { Bus } from '../../streams/connect.ts';
import type { Names } from '../../streams/names.ts';
import type { Db } from '../../sql/database.ts';
import { sleep } from '../../workers/sleep.ts';
import { directIntake, platformIntake, type Offered } from './load-intake.ts';
import { countOutcomes } from '../bench/count-outcomes.ts';
import { startPrivateCluster } from '../bench/private-cluster.ts';
import { countRunOutcomes, readSimulatorRecords, type SimulatorRecords } from './count-run-outcomes.ts';
import { attachRunningCluster } from './running-cluster.ts';
import { offeredBy } from '../bench/rate-schedule.ts';
import { measureCeiling } from '../bench/relay-ceiling.ts';
import { loadProfile, type LoadProfile, type ProfileName, type ProfileOptions } from './load-profiles.ts';

export interface LoadOptions extends ProfileOptions {
  profile: ProfileName;
  processes: number;
  seed: number;
  /** Give up waiting for completion when nothing completes for this long. */
  stallSeconds: number;
  /** Intake holds while the core backlog is at this many messages (0: never; the orders wait at their source). */
  maxCoreBacklog: number;
  /** Extra arguments for every worker process (`--concurrency 512`, `--peak-concurrency 1024`). */
  workerArgs: readonly string[];
  /** Stops the run early (Ctrl-C): what was measured so far is reported, and the pipeline removed. */
  signal?: AbortSignal;
  /** Always a pipeline of its own, even when one runs on the configured namespace. */
  private: boolean;
  /** Orders straight into ingest by a feeder, instead of through the platform simulators and connectors. */
  direct: boolean;
  /** Messages the relay ceiling is measured with (fewer: quicker, on a busy machine). */
  ceilingOrders: number;
  log: (line: string) => void;
  /** The status line every second, to redraw in place on a terminal; without it, `log` gets one every five seconds. */
  progress?: (line: string) => void;
}

/** One second of the run, as the report charts it. */
export interface LoadSample {
  t: number;
  /** What the profile wanted offered per second. */
  wantedPerS: number;
  /** What intake took in per second (less than wanted while admission held it back). */
  offeredPerS: number;
  completedPerS: number;
  /** Orders waybilled per second: the core's goodput. */
  coreCompletedPerS: number;
  coreBacklog: number;
  /** Messages the stages' consumers have redelivered (ack wait ran out, or a retry): a redelivery storm shows here. */
  redelivered: number;
  queues: Record<string, number>;
  peak: boolean;
  workerRssMb: number;
}

export interface LoadReport {
  profile: ProfileName;
  /** `own`: a pipeline started for the run and removed after; else the running cluster it fed. */
  cluster: string;
  /** Seed of the generated orders. */
  seed: number;
  /** Stopped before everything completed (Ctrl-C): lost then includes what was still in flight. */
  stoppedEarly: boolean;
  does: string;
  startedAt: string;
  seconds: number;
  offered: number;
  completed: number;
  exceptions: number;
  /** Cancelled (or fully refunded) before the waybill: the `mixed` profile's cancellations. */
  cancelled: number;
  exceptionsByType: Record<string, number>;
  /** Orders offered that did not end notified, cancelled or in the exception queue. */
  lost: number;
  duplicated: number;
  oversold: number;
  deferred: number;
  replayed: number;
  /** Core orders/s: orders waybilled, first order offered to the last one waybilled. */
  throughput: number;
  /**
   * Core orders/s (waybilled) over the profile's measured part: the overload itself for
   * `overload` (after its lead-in at the sustainable rate), the whole schedule otherwise.
   */
  goodputWhileOffered: number;
  /** The measured part, seconds from the start. */
  measured: { from: number; to: number };
  /**
   * For `overload`: the sustainable rate (given, or measured as the core's goodput over the last
   * two thirds of a saturating lead-in), the core's rate during the lead-in, and goodput over it.
   */
  overload: { sustainable: number; sustainableMeasured: boolean; leadInCorePerS: number; goodputRatio: number } | null;
  /** Seconds after the schedule ended until the core backlog was empty; null if it never was. */
  backlogDrainedAfterS: number | null;
  /** The most messages the stages' consumers had redelivered at once (ack wait ran out, or retries). */
  redeliveredMax: number;
  /** End to end, ingest publish to the notified event (includes any deferral of the SMS). */
  latencyMs: { p50: number; p95: number; p99: number };
  /** The core path, ingest publish to waybilled. */
  coreLatencyMs: { p50: number; p95: number; p99: number };
  /** Core latency (ingest publish to waybill) while peak mode was on. */
  peakCoreLatencyMs: { p50: number; p95: number; p99: number } | null;
  ceilingOrdersPerSecond: number;
  ceilingRatio: number;
  workerPeakRssMb: number;
  peakPeriods: { from: number; to: number | null }[];
  /** Seconds after the last offered order until all deferred work was replayed; null if it was not. */
  replayDoneAfterS: number | null;
  series: LoadSample[];
  latencySeries: { t: number; p50: number; p95: number; p99: number }[];
}

/**
 * Runs a load profile on a pipeline of its own (as `bench pipeline` does): worker processes, the
 * simulators and a feeder offering the profile's rate schedule straight into ingest, sampling
 * the pipeline every second; then counts from Postgres and the simulators what was completed,
 * lost, duplicated and oversold, never from the feeder's bookkeeping.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const profile = loadProfile(opts.profile, opts);
  // A calibrating lead-in decides the run's length when it ends: until then, no end.
  let orders = profile.calibrate ? UNDECIDED_ORDERS : Math.floor(offeredBy(profile.schedule, totalSeconds(profile.schedule)));
  let measured = profile.measured;
  let does = profile.does;
  let sustainable = opts.sustainable === 'auto' ? 0 : opts.sustainable;
  const running = opts.private ? undefined : await attachRunningCluster();
  const own = running === undefined;
  const cluster = running ?? (await startPrivateCluster('load', profile.stock));
  const { bus, db, names } = cluster;
  // On a running cluster the orders must be new to its database: the seed moves with the minute
  // (the report keeps the seed, so the run can be repeated on a fresh one).
  const seed = own ? opts.seed : opts.seed * 100_000 + (Math.floor(Date.now() / 60_000) % 100_000);
  if (!own) opts.log(`load: a pipeline runs on namespace ${names.namespace} (every core stage has a worker pulling): feeding it; its workers keep their own peak rules and stock (--private for a pipeline of its own)`);
  try {
    const env = {
      ORDERSURGE_PEAK_ENTER_PER_MIN: String(Math.round(profile.peak.enterPerMinute)),
      ORDERSURGE_PEAK_ENTER_WINDOW_S: String(profile.peak.enterWindowSeconds),
      ORDERSURGE_PEAK_EXIT_PER_MIN: String(Math.round(profile.peak.exitPerMinute)),
      ORDERSURGE_PEAK_COOLDOWN_S: String(profile.peak.cooldownSeconds),
      // Twice the default: under what the pipeline sustains, so the replay is no second peak.
      ORDERSURGE_REPLAY_PER_S: '400',
      // The workers' peak guard stays in peak mode while intake is held at this limit.
      ORDERSURGE_MAX_CORE_BACKLOG: String(opts.maxCoreBacklog),
    };
    // A run replays a sale day in minutes, and its own pipeline stocks only suzhou: the daily
    // parcel capacity (50,000 there) would turn the rest of a peak into backorders, a figure of
    // the planning cap rather than of the pipeline. A running cluster keeps its own.
    if (own) await db.updateTable('warehouses').set({ daily_capacity: 0 }).execute();
    const workers = own ? cluster.startWorkers(Array.from({ length: opts.processes }, () => ['all']), opts.workerArgs, env) : [];
    const intakeSettings = { seed, schedule: profile.schedule, orders, feed: profile.feed ?? 'bench', maxCoreBacklog: opts.maxCoreBacklog } as const;
    // Through the platforms, a saturating lead-in creates orders at the relay ceiling's rate: far
    // above what the pipeline does, and what intake has not taken waits at the platform.
    let ceilingPerS = Number.POSITIVE_INFINITY;
    const intake = opts.direct ? await directIntake(cluster, intakeSettings) : await platformIntake(cluster, intakeSettings, () => ceilingPerS);
    // How many new orders were offered is known once intake is done (a mixed feed also carries updates).
    let fedOrders: number | undefined;
    let intakeFailed: unknown;
    intake.done.then((m) => (fedOrders = m.published)).catch((error: unknown) => (intakeFailed = error ?? 'intake failed'));
    await cluster.workersReady();
    opts.log(`load: ${profile.name}: ${profile.does}; ${profile.calibrate ? 'orders decided after the lead-in' : `${orders} ${profile.feed === 'mixed' ? 'messages' : 'orders'}`} ${intake.kind === 'direct' ? 'straight into ingest' : 'through the platform simulators and ordersurge connect'}; measuring the relay ceiling first`);
    const ceiling = await measureCeiling(bus, `${cluster.id}c`, opts.ceilingOrders, 1780);
    ceilingPerS = ceiling.ordersPerSecond;
    opts.log(`load: relay ceiling ${ceiling.ordersPerSecond.toFixed(0)} orders/s; go`);

    const store = await openPeakStore(bus, names);
    const countsNow = () =>
      sql<{ completed: number; waybilled: number; settled: number; received: number }>`
          select (select count(*)::int from notifications where kind = 'being_packed') as completed,
                 (select count(*)::int from orders) as received,
                 (select count(*)::int from orders where status in ('notified', 'cancelled', 'exception')) as settled,
                 (select count(*)::int from shipments where waybill_no is not null) as waybilled`
        .execute(db)
        .then((r) => r.rows[0]!);
    // What a running cluster had done before this run: progress is counted from here.
    const base = own ? { completed: 0, waybilled: 0, settled: 0, received: 0 } : await countsNow();
    // A running cluster may call a real carrier and SMS gateway, which keep no /stats for us.
    const before = own ? undefined : await readSimulatorRecords(cluster.carrierUrl, cluster.smsUrl).catch(() => undefined);
    const startedAt = Date.now();
    intake.go();
    const series: LoadSample[] = [];
    let last = { completed: 0, waybilled: 0, published: 0, at: startedAt };
    let lastProgressAt = Date.now();
    let lastCompleted = -1;
    let replayDoneAt: number | null = null;
    let backlogDrainedAt: number | null = null;
    let feedEndsAt = startedAt + totalSeconds(profile.schedule) * 1000;
    let schedule = { segments: profile.schedule, fromMs: startedAt };
    let finished = false;
    let calibrating = profile.calibrate;
    const aborted = opts.signal ?? new AbortController().signal;
    for (;;) {
      await sleep(1000, aborted);
      if (aborted.aborted) {
        opts.log('load: stopped; reporting what was measured so far');
        break;
      }
      // The feeder or the platform simulators died: the run cannot go on, and its figures would lie.
      if (intakeFailed !== undefined) throw new Error(`load: intake stopped: ${intakeFailed instanceof Error ? intakeFailed.message : String(intakeFailed)}`);
      const now = Date.now();
      const sample = await Promise.all([
        countsNow(),
        readQueueDepths(bus.jsm, names),
        store.read(),
        bus.jsm.streams.info(names.deferredStream).then((i) => i.state.messages),
      ]).catch((error: unknown) => {
        // A NATS server lost mid-run (a stream leader moving) or a busy machine: skip a sample.
        opts.log(`load: could not sample the pipeline (${error instanceof Error ? error.message : String(error)}); trying again`);
        return undefined;
      });
      if (!sample) continue;
      const [counts, depths, { state }, deferredLeft] = sample;
      const [completed, waybilled, settled] = [counts.completed - base.completed, counts.waybilled - base.waybilled, counts.settled - base.settled];
      // Taken in: published into ingest by the feeder, or polled in by the connectors.
      const published = intake.kind === 'direct' ? intake.offered() : counts.received - base.received;

      const rss = Math.max(0, ...workers.map((w) => rssMb(w.child.pid)));
      const queues = Object.fromEntries(depths.map((d) => [d.stage, d.pending + d.ackPending]));
      const coreBacklog = depths.filter((d) => CORE_STAGES.includes(d.stage)).reduce((n, d) => n + d.pending + d.ackPending, 0);
      const dt = (now - last.at) / 1000;
      series.push({
        t: Math.round((now - startedAt) / 100) / 10,
        wantedPerS: Math.min(ceilingPerS, (offeredBy(schedule.segments, (now - schedule.fromMs) / 1000) - offeredBy(schedule.segments, (last.at - schedule.fromMs) / 1000)) / dt),
        offeredPerS: (published - last.published) / dt,
        completedPerS: (completed - last.completed) / dt,
        coreCompletedPerS: (waybilled - last.waybilled) / dt,
        coreBacklog,
        redelivered: depths.reduce((n, d) => n + d.redelivered, 0),
        queues,
        peak: state.active,
        workerRssMb: rss,
      });
      last = { completed, waybilled, published, at: now };
      if (calibrating && now - startedAt >= calibrating.seconds * 1000) {
        const windowFrom = calibrating.seconds / 3;
        const window = series.filter((x) => x.t >= windowFrom);
        sustainable = Math.max(1, Math.round(window.reduce((n, x) => n + x.coreCompletedPerS, 0) / Math.max(1, window.length)));
        const rest = calibrating.then(sustainable);
        orders = await intake.reschedule(rest.schedule);
        schedule = { segments: rest.schedule, fromMs: Date.now() };
        const from = (Date.now() - startedAt) / 1000;
        measured = { from, to: from + totalSeconds(rest.schedule) };
        feedEndsAt = Date.now() + totalSeconds(rest.schedule) * 1000;
        does = rest.does;
        calibrating = undefined;
        opts.log(`load: the core sustained ${sustainable} orders/s over the lead-in from ${Math.round(windowFrom)} s; now offering ${sustainable * 2}/s; ${orders} orders in all`);
      }
      // After a calibrating lead-in has decided the rest: the schedule's rate now, or its end.
      intake.tick((now - schedule.fromMs) / 1000, counts.received - base.received);
      if (now > feedEndsAt && !finished) {
        intake.finish();
        finished = true;
      }
      if (coreBacklog === 0 && now > feedEndsAt && intake.offeredAll()) backlogDrainedAt ??= now;
      {
        const s = series.at(-1)!;
        // Most telling first, so a narrow terminal still shows it.
        const taken = intake.kind === 'direct' ? `${published} of ${orders}; held ${(intake.heldMs() / 1000).toFixed(0)} s` : `${published} of ${intake.offered()} created at the platforms`;
        const line =
          `load: ${Math.round(s.t)}s peak ${state.active ? 'ON' : 'off'} | wanted ${s.wantedPerS.toFixed(0)}/s, taken in ${s.offeredPerS.toFixed(0)}/s (${taken}) | ` +
          `core ${s.coreCompletedPerS.toFixed(0)}/s, backlog ${coreBacklog}, waybilled ${waybilled} | notified ${completed} (${s.completedPerS.toFixed(0)}/s), deferred ${deferredLeft} | redelivered ${s.redelivered} | rss ${rss} MB`;
        // On a terminal the line is redrawn every second; elsewhere a plain line every five.
        if (opts.progress) opts.progress(line);
        else if (series.length % 5 === 0) opts.log(line);
      }
      // Progress is any order moving: waybilled (core), notified, or deferred work replayed.
      const moved = completed + waybilled + settled - deferredLeft;
      if (moved !== lastCompleted) {
        lastCompleted = moved;
        lastProgressAt = now;
      }
      // Every order fed is where it ends: notified, cancelled or an operator's exception.
      const allIn = fedOrders !== undefined && settled >= fedOrders;
      if (allIn && deferredLeft === 0 && !state.active && now > feedEndsAt) {
        replayDoneAt ??= now;
        break;
      }
      if (now - lastProgressAt > opts.stallSeconds * 1000 && now > feedEndsAt) {
        opts.log(`load: nothing completed for ${opts.stallSeconds} s; stopping${deferredLeft > 0 ? ` (deferred work left: ${await describeReplay(bus, names)})` : ''}`);
        break;
      }
    }
    if (aborted.aborted) intake.stop();
    const fed = await intake.done;
    return await buildReport({
      own,
      seed,
      before,
      stoppedEarly: aborted.aborted,
      profile,
      sustainable,
      measured,
      does,
      startedAt,
      orders,
      fed,
      series,
      ceilingPerS: ceiling.ordersPerSecond,
      replayDoneAt,
      backlogDrainedAt,
      feedEndsAt,
      cluster,
    });
  } finally {
    await cluster.close();
  }
}

async function buildReport(r: {
  own: boolean;
  seed: number;
  before: SimulatorRecords | undefined;
  stoppedEarly: boolean;
  profile: LoadProfile;
  sustainable: number;
  /** The part goodput is measured over, seconds from the start (decided after a calibrating lead-in). */
  measured: { from: number; to: number };
  does: string;
  startedAt: number;
  orders: number;
  fed: Offered;
  series: LoadSample[];
  ceilingPerS: number;
  replayDoneAt: number | null;
  backlogDrainedAt: number | null;
  feedEndsAt: number;
  cluster: Awaited<ReturnType<typeof startPrivateCluster>>;
}): Promise<LoadReport> {
  const { db, bus, names, carrierUrl, smsUrl } = r.cluster;
  const publishedAt = new Map(r.fed.publishedAt);
  // This run's orders only (a running cluster holds others).
  const events = (await db.selectFrom('order_events').select(['order_id', 'type', 'at']).where('type', 'in', ['waybilled', 'notified']).execute()).filter((e) => publishedAt.has(e.order_id));
  const notified = events.filter((e) => e.type === 'notified');
  const latency = (e: { order_id: string; at: Date }): number => e.at.getTime() - (publishedAt.get(e.order_id) ?? r.fed.firstMs);
  const peakPeriods = periodsOf(r.series);
  const inPeak = (ms: number): boolean => peakPeriods.some((p) => ms >= r.startedAt + p.from * 1000 && (p.to === null || ms <= r.startedAt + p.to * 1000));
  const coreInPeak = events.filter((e) => e.type === 'waybilled' && inPeak(publishedAt.get(e.order_id) ?? 0)).map(latency);
  const [outcomes, deferredInfo] = await patiently(() => Promise.all([r.own ? countOutcomes(db, carrierUrl, smsUrl) : countRunOutcomes(db, [...publishedAt.keys()], carrierUrl, smsUrl, r.before), bus.jsm.streams.info(names.deferredStream)]));
  const completed = notified.length;
  const ends = await endsOf(db, [...publishedAt.keys()]);
  const waybilled = events.filter((e) => e.type === 'waybilled');
  const lastWaybilled = waybilled.reduce((max, e) => Math.max(max, e.at.getTime()), r.fed.firstMs);
  const throughput = waybilled.length / Math.max(0.001, (lastWaybilled - r.fed.firstMs) / 1000);
  // Measured from the feeder's first order: the schedule's clock.
  const from = r.fed.firstMs + r.measured.from * 1000;
  const to = r.fed.firstMs + r.measured.to * 1000;
  const coreRate = (a: number, b: number): number => waybilled.filter((e) => e.at.getTime() >= a && e.at.getTime() < b).length / Math.max(0.001, (b - a) / 1000);
  const goodputWhileOffered = coreRate(from, to);
  const deferred = deferredInfo.state.last_seq;
  return {
    profile: r.profile.name,
    cluster: r.own ? 'own' : `running (namespace ${names.namespace})`,
    seed: r.seed,
    stoppedEarly: r.stoppedEarly,
    does: r.does,
    startedAt: new Date(r.startedAt).toISOString(),
    seconds: (Date.now() - r.startedAt) / 1000,
    offered: r.fed.published,
    completed,
    exceptions: outcomes.exceptions,
    cancelled: ends.cancelled,
    exceptionsByType: ends.exceptionsByType,
    lost: r.fed.published - ends.settled,
    duplicated: outcomes.duplicated,
    oversold: outcomes.oversold,
    deferred,
    replayed: deferred - deferredInfo.state.messages,
    throughput,
    goodputWhileOffered,
    measured: r.measured,
    overload:
      r.profile.name === 'overload'
        ? {
            sustainable: r.sustainable,
            sustainableMeasured: r.profile.calibrate !== undefined,
            // A calibrating lead-in's first third is its warm-up: the rate is read over the rest.
            leadInCorePerS: coreRate(r.profile.calibrate ? r.fed.firstMs + (r.profile.calibrate.seconds / 3) * 1000 : r.fed.firstMs, from),
            goodputRatio: goodputWhileOffered / r.sustainable,
          }
        : null,
    backlogDrainedAfterS: r.backlogDrainedAt === null ? null : Math.max(0, (r.backlogDrainedAt - r.feedEndsAt) / 1000),
    redeliveredMax: Math.max(0, ...r.series.map((s) => s.redelivered)),
    latencyMs: percentiles(notified.map(latency)),
    coreLatencyMs: percentiles(waybilled.map(latency)),
    peakCoreLatencyMs: coreInPeak.length > 0 ? percentiles(coreInPeak) : null,
    ceilingOrdersPerSecond: r.ceilingPerS,
    ceilingRatio: throughput / r.ceilingPerS,
    workerPeakRssMb: Math.max(0, ...r.series.map((s) => s.workerRssMb)),
    peakPeriods,
    replayDoneAfterS: r.replayDoneAt === null ? null : Math.max(0, (r.replayDoneAt - r.feedEndsAt) / 1000),
    series: r.series,
    latencySeries: latencyOverTime(notified.map((e) => ({ publishedMs: publishedAt.get(e.order_id) ?? r.fed.firstMs, latency: latency(e) })), r.startedAt),
  };
}

/** Where the deferred work that was not replayed sits: each replay consumer's pending and unacknowledged messages. */
async function describeReplay(bus: Bus, names: Names): Promise<string> {
  const parts = await Promise.all(
    STAGES.filter((stage) => NON_CORE_STAGES.has(stage)).map(async (stage) => {
      const info = await bus.jsm.consumers.info(names.deferredStream, names.replayDurable(stage)).catch(() => undefined);
      return info ? `${stage} ${info.num_pending} pending, ${info.num_ack_pending} unacknowledged, ${info.num_redelivered} redelivered` : `${stage} no replay consumer`;
    }),
  );
  return parts.join('; ');
}

/** Where this run's orders ended: settled (notified, cancelled or an exception), cancelled, and the exceptions by type. */
async function endsOf(db: Db, ids: readonly string[]): Promise<{ settled: number; cancelled: number; exceptionsByType: Record<string, number> }> {
  const { rows } = await sql<{ status: string; exception_type: string | null; n: number }>`
    select status, exception_type, count(*)::int as n from orders where id = any(${[...ids]}::text[]) group by status, exception_type`.execute(db);
  const count = (statuses: readonly string[]): number => rows.filter((r) => statuses.includes(r.status)).reduce((n, r) => n + r.n, 0);
  const exceptionsByType = Object.fromEntries(rows.filter((r) => r.status === 'exception').map((r) => [r.exception_type ?? 'unknown', r.n]));
  return { settled: count(['notified', 'cancelled', 'exception']), cancelled: count(['cancelled']), exceptionsByType };
}

/** More orders than any run offers: the length of a calibrating run is decided when its lead-in ends. */
const UNDECIDED_ORDERS = 10_000_000;

function totalSeconds(schedule: readonly { seconds: number }[]): number {
  return schedule.reduce((n, s) => n + s.seconds, 0);
}

function periodsOf(series: readonly LoadSample[]): { from: number; to: number | null }[] {
  const periods: { from: number; to: number | null }[] = [];
  for (const s of series) {
    const open = periods.at(-1);
    if (s.peak && (!open || open.to !== null)) periods.push({ from: s.t, to: null });
    if (!s.peak && open && open.to === null) open.to = s.t;
  }
  return periods;
}

/** p50/p95/p99 of the orders published in each 10-second slice of the run. */
function latencyOverTime(items: readonly { publishedMs: number; latency: number }[], startedAt: number): LoadReport['latencySeries'] {
  const slices = new Map<number, number[]>();
  for (const i of items) {
    const slice = Math.floor((i.publishedMs - startedAt) / 10_000) * 10;
    const values = slices.get(slice) ?? [];
    values.push(i.latency);
    slices.set(slice, values);
  }
  return [...slices].sort((a, b) => a[0] - b[0]).map(([t, values]) => ({ t, ...percentiles(values) }));
}

function percentiles(values: readonly number[]): { p50: number; p95: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** Resident memory of a process in MB, from /proc; 0 where there is none. */
function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Math.round(Number(line.replace(/\D+/g, ' ').trim().split(' ')[0]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** Runs `read` until it answers, up to five times a second apart: a server may be between leaders. */
async function patiently<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
