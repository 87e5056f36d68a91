import type { KV } from '@nats-io/kv';
import type { Db } from '../sql/database.ts';
import { listExceptionOrders, type ExceptionOrder } from '../sql/queries/exception-orders.ts';
import { readKpis } from '../sql/queries/kpis.ts';
import type { Bus } from '../streams/connect.ts';
import { listDeadLetters, type DeadLetter } from '../streams/dead-letter.ts';
import type { Names } from '../streams/names.ts';
import { openPeakStore, type PeakStore } from '../streams/peak-mode.ts';
import { NON_CORE_STAGES, STAGES, type StageName } from '../streams/pipeline.ts';
import { decodeHeartbeat, liveWorkers, openWorkersBucket, type WorkerHeartbeat } from '../streams/worker-heartbeat.ts';
import { errorText } from '../workers/error-text.ts';
import { sleep } from '../workers/sleep.ts';
import { emptyConsoleData, type ConsoleData, type ServerHealth } from './console-data.ts';
import { snapshotReader } from './pipeline-snapshot.ts';
import { appendRates } from './rate-history.ts';
import { trackReplay } from './replay-progress.ts';
import { windowedRates, type SeqSample } from './windowed-rates.ts';

export interface ConsoleSourceOptions {
  bus: Bus;
  db: Db;
  names: Names;
  /** The peak guard's thresholds, shown against the inflow. */
  peak: { enterPerMinute: number; exitPerMinute: number };
  /** Count orders by status only of those created since (the demo: since it started); all when unset. */
  since?: Date;
  /** How often queues, peak mode and the deferred backlog are read (NATS). */
  stagesEveryMs?: number;
  /** How often orders by status are counted (Postgres). */
  ordersEveryMs?: number;
  /** How often the KPIs are read: heavier queries, so seldom. */
  kpisEveryMs?: number;
  /** Readings kept for the sparklines. */
  historyLength?: number;
}

/** Milliseconds the last reading of each kind took: the console's own cost. */
export interface ReadCosts {
  stages: number[];
  orders: number[];
  kpis: number[];
}

/** Where the console's data comes from; every read is here, the components only render. */
export interface ConsoleSource {
  /** The data as of the latest readings (synchronous: the screen never waits for a server). */
  current(): ConsoleData;
  /** Resolves once every kind of reading answered or failed once. */
  ready(): Promise<void>;
  deadLetters(limit: number): Promise<DeadLetter[]>;
  exceptions(limit: number): Promise<ExceptionOrder[]>;
  /** Durations of every reading so far (for measuring the console's cost). */
  costs(): ReadCosts;
  close(): Promise<void>;
}

/** Rates are averaged over this long: acks come in batches. */
const RATE_WINDOW_MS = 5000;
const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** Midnight of `now`'s day in China time: the KPI panel shows today as sellers count it. */
export function startOfChinaDay(now: Date): Date {
  return new Date(Math.floor((now.getTime() + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS);
}

/**
 * Starts the console's readers: queues, peak mode and the deferred backlog from NATS every
 * second; orders by status from Postgres every few seconds; the KPIs every 15 s; worker
 * heartbeats as they are written. Each runs on its own, so a server that is away stalls only its
 * own half: the rest stays current, and `current()` says which server is away since when.
 */
export function openConsoleSource(opts: ConsoleSourceOptions): ConsoleSource {
  const abort = new AbortController();
  const { bus, db, names } = opts;
  const reader = snapshotReader(bus.jsm, db, names, opts.since ? { since: opts.since } : {});
  const keep = opts.historyLength ?? 300;
  let data: ConsoleData = emptyConsoleData(names.namespace);
  const costs: ReadCosts = { stages: [], orders: [], kpis: [] };
  const heartbeats = new Map<string, WorkerHeartbeat>();
  let inflow: number[] = [];
  let samples: SeqSample[] = [];
  let replayBaseline: number | undefined;
  let peakStore: PeakStore | undefined;
  let workersKv: KV | undefined;

  const health = (previous: ServerHealth, error: unknown): ServerHealth =>
    error === undefined ? { up: true } : { up: false, since: previous.up ? new Date() : previous.since, error: errorText(error) };
  const timed = async <T>(into: number[], read: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await read();
    } finally {
      into.push(performance.now() - started);
      if (into.length > 10_000) into.shift();
    }
  };

  const readNats = async (): Promise<void> => {
    const read = await reader.readStages();
    const windowed = windowedRates(samples, read.stages, read.at.getTime(), RATE_WINDOW_MS);
    samples = windowed.samples;
    const snapshot = { ...read, stages: windowed.stages };
    peakStore ??= await openPeakStore(bus, names);
    const [{ state }, replays] = await Promise.all([
      peakStore.read(),
      Promise.all(STAGES.filter((s) => NON_CORE_STAGES.has(s)).map(async (stage) => ({ stage, info: await bus.jsm.consumers.info(names.deferredStream, names.replayDurable(stage)) }))),
    ]);
    const ingest = snapshot.stages.find((s) => s.stage === 'ingest');
    if (ingest?.inRatePerSecond !== null && ingest?.inRatePerSecond !== undefined) inflow = [...inflow, ingest.inRatePerSecond].slice(-60);
    const backlog = replays.map((r): { stage: StageName; waiting: number } => ({ stage: r.stage, waiting: r.info.num_pending + r.info.num_ack_pending }));
    const waiting = backlog.reduce((n, b) => n + b.waiting, 0);
    const replay = trackReplay(replayBaseline, replays.reduce((n, r) => n + r.info.ack_floor.consumer_seq, 0), waiting, state.active);
    replayBaseline = replay.baseline;
    data = {
      ...data,
      stages: snapshot.stages,
      deadLetters: snapshot.deadLetters,
      history: appendRates(data.history, Object.fromEntries(snapshot.stages.map((s) => [s.stage, s.ratePerSecond])), keep),
      peak: {
        state,
        inflowPerMinute: inflow.length ? (inflow.reduce((a, b) => a + b, 0) / inflow.length) * 60 : null,
        enterPerMinute: opts.peak.enterPerMinute,
        exitPerMinute: opts.peak.exitPerMinute,
        backlog,
        replay: replay.progress,
      },
    };
  };

  const readOrders = async (): Promise<void> => {
    const { orders, connectors, shops } = await reader.readOrders();
    data = { ...data, orders, connectors, shops };
  };

  const readKpiReport = async (): Promise<void> => {
    const now = new Date();
    try {
      const report = await readKpis(db, { from: startOfChinaDay(now), to: now });
      data = { ...data, kpis: { status: 'ok', report, at: now } };
    } catch (error) {
      data = { ...data, kpis: { status: 'unavailable', error: errorText(error) } };
      throw error;
    }
  };

  const loops: Promise<void>[] = [];
  /** Runs `read` every `everyMs` until closed; its outcome is the health of `server`. Resolves after the first reading. */
  const every = (everyMs: number, into: number[], read: () => Promise<void>, server?: 'nats' | 'postgres'): Promise<void> => {
    let first = true;
    let resolveFirst!: () => void;
    const firstDone = new Promise<void>((resolve) => (resolveFirst = resolve));
    loops.push((async () => {
      while (!abort.signal.aborted) {
        const started = Date.now();
        let failure: unknown;
        try {
          await timed(into, read);
        } catch (error) {
          failure = error;
        }
        if (server) data = { ...data, [server]: health(data[server], failure) };
        data = { ...data, at: new Date() };
        if (first) resolveFirst();
        first = false;
        await sleep(Math.max(50, everyMs - (Date.now() - started)), abort.signal);
      }
      resolveFirst();
    })());
    return firstDone;
  };

  const watchWorkers = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        workersKv ??= await openWorkersBucket(bus.nc, names);
        const updates = await workersKv.watch();
        const stop = (): void => updates.stop();
        abort.signal.addEventListener('abort', stop, { once: true });
        for await (const entry of updates) {
          const beat = entry.operation === 'PUT' ? decodeHeartbeat(entry.value) : undefined;
          if (beat) heartbeats.set(entry.key, beat);
          else heartbeats.delete(entry.key);
        }
        abort.signal.removeEventListener('abort', stop);
      } catch {
        // NATS away: the stages reader reports it; watch again once it is back.
      }
      await sleep(1000, abort.signal);
    }
  };

  // NATS says at once when the connection drops; without this the screen would learn it only
  // when a request times out.
  const watchConnection = async (): Promise<void> => {
    for await (const status of bus.nc.status()) {
      if (status.type === 'disconnect' && data.nats.up) data = { ...data, nats: { up: false, since: new Date(), error: 'disconnected' } };
    }
  };

  const firsts = [
    every(opts.stagesEveryMs ?? 1000, costs.stages, readNats, 'nats'),
    every(opts.ordersEveryMs ?? 5000, costs.orders, readOrders, 'postgres'),
    every(opts.kpisEveryMs ?? 15_000, costs.kpis, readKpiReport),
  ];
  const watching = watchWorkers();
  void watchConnection().catch(() => undefined);

  return {
    current: () => ({ ...data, workers: liveWorkers(heartbeats.values(), Date.now()) }),
    ready: async () => {
      await Promise.all(firsts);
    },
    deadLetters: (limit) => listDeadLetters(bus.js, bus.jsm, names, { limit }),
    exceptions: (limit) => listExceptionOrders(db, limit),
    costs: () => costs,
    close: async () => {
      abort.abort();
      await Promise.all([watching, ...loops]);
    },
  };
}
