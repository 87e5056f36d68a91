import { setMaxListeners } from 'node:events';
import { sql } from 'kysely';
import { countOutcomes, type Outcomes } from '../bench/count-outcomes.ts';
import { benchOrders } from '../bench/bench-orders.ts';
import { mulberry32 } from '../seeded-random.ts';
import type { ChildScript } from '../bench/child-script.ts';
import type { FeederOut } from '../bench/feeder-process.ts';
import { startPrivateCluster, type PrivateCluster } from '../bench/private-cluster.ts';
import { listDeadLetters } from '../../streams/dead-letter.ts';
import { processPiiKeyring } from '../../streams/pii/keyring.ts';
import { isSealedBody, openBody } from '../../streams/pii/sealed-body.ts';
import { decodeHeartbeat, openWorkersBucket } from '../../streams/worker-heartbeat.ts';
import { readQueueDepths } from '../../streams/queue-depth.ts';
import { CORE_STAGES } from '../../streams/pipeline.ts';
import { submitPayload, waitOutBus } from '../../streams/submit.ts';
import { errorText } from '../../workers/error-text.ts';
import { sleep } from '../../workers/sleep.ts';
import { hostilePayloads, type HostileKind } from './hostile-payloads.ts';
import { startPrivateNats, type PrivateNats } from './private-nats.ts';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.ts';

/** What a fault run does, and when (seconds from the first order). */
export interface FaultPlan {
  /** Good orders of all six platforms fed at `rate` by the feeder process. */
  orders: number;
  rate: number;
  /** Hostile payloads, and good web-shop orders mixed among them, published in one shuffled stream. */
  hostile: number;
  mixedGood: number;
  /** Worker processes (each running every stage); one is killed -9 every `killEveryS` until `killUntilS`, and replaced. */
  workerProcesses: number;
  killEveryS: number;
  killUntilS: number;
  /** A worker is killed only once it writes heartbeats (it is working) and has run this long. */
  minWorkerLifeS: number;
  /** NATS killed -9 at this second, started again after `downS`. */
  natsAtS: number;
  /** Postgres stopped `-m immediate` at this second, started again after `downS`. */
  postgresAtS: number;
  downS: number;
  /** The carrier answers every request 503 from this second, for `carrierDownS`. */
  carrierAtS: number;
  carrierDownS: number;
  /** The run stops by itself after this long, done or not. */
  maxSeconds: number;
  log: (line: string) => void;
}

export const DEFAULT_FAULT_PLAN: Omit<FaultPlan, 'log'> = {
  orders: 3000,
  rate: 20,
  hostile: 200,
  mixedGood: 200,
  workerProcesses: 2,
  killEveryS: 6,
  killUntilS: 150,
  minWorkerLifeS: 5,
  natsAtS: 30,
  postgresAtS: 60,
  downS: 3,
  carrierAtS: 90,
  carrierDownS: 120,
  maxSeconds: 900,
};

/** One fault and how long the pipeline took to move again after it ended. */
export interface FaultRecord {
  fault: string;
  atS: number;
  /** When the fault ended (the server back, the carrier answering). */
  endedS: number;
  /** From the end of the fault until orders moved again (an order event recorded; for the carrier, a waybill issued); null if never. */
  movingAgainS: number | null;
  /** From the end of the fault until the core queues (ingest to waybill) were empty again; null if never. */
  coreDrainedS: number | null;
}

export interface FaultReport {
  plan: Omit<FaultPlan, 'log'>;
  /** Good orders offered (fed plus mixed among the hostile ones), and hostile payloads offered. */
  offered: { good: number; hostile: number };
  /** Good orders whose "being packed" message was recorded exactly once. */
  notified: number;
  notifiedExactlyOnce: boolean;
  /** Good orders never seen in Postgres, or stuck short of notified with no exception. */
  lost: number;
  lostIds: string[];
  /** Done twice: orders, reservations, waybills, SMS (from Postgres and the simulators' records). */
  duplicated: { orders: number; reservations: number; waybills: number; sms: number; total: number };
  oversold: number;
  outcomes: Outcomes;
  deadLettered: { total: number; hostile: number; good: number; goodIds: string[]; byStage: Record<string, number> };
  /** Every hostile payload dead-lettered or an exception with a reason naming a field; none slipped through. */
  hostile: { refused: number; withFieldReason: number; slippedThrough: string[]; withoutFieldReason: string[]; byKind: Record<string, { offered: number; deadLettered: number; exception: number }> };
  exceptionsByType: Record<string, number>;
  /** Good orders that ended an exception, by type (a good order should end none). */
  goodExceptionsByType: Record<string, number>;
  faults: FaultRecord[];
  /**
   * The carrier outage as the carrier saw it: HTTP calls to its waybill API from the fault's start
   * to its end (the 503s included), the most in one second, and the shipments waybilled (one
   * waybill each in use) against numbers issued and voided.
   */
  carrier: { callsDuringOutage: number | null; peakCallsPerS: number | null; shipmentsWaybilled: number; issued: number; voided: number; repeatedKeys: number };
  workerKills: number;
  /** Worker, simulator or feeder processes that ended without being killed by the run: crashes. */
  unexpectedExits: string[];
  /** Seconds from the first order until every good order was notified or an exception (null: not within maxSeconds). */
  completedS: number | null;
  /** From the end of the last fault until the pipeline was drained. */
  drainedAfterLastFaultS: number | null;
  seconds: number;
}

interface Sample {
  t: number;
  events: number | null;
  waybills: number | null;
  coreBacklog: number | null;
  /** HTTP calls the carrier has had so far (503s included). */
  carrierCalls: number | null;
}

/** A reason that names a field: `line_items[1].id: ...`, `body: ...`, `address.province: ...`, `note_attributes[0].bad\\u0000key: ...`. */
const FIELD_REASON = /^(message to [a-z]+: |[A-Za-z_$][^\s:]*: )/;

/**
 * A fault run on a pipeline of its own (its own nats-server, its own Postgres cluster, worker,
 * simulator and feeder processes, all on 127.0.0.1): good orders flow while workers are killed
 * -9, NATS is killed -9 and restarted, Postgres is stopped `-m immediate` and restarted, the
 * carrier fails every request for two minutes, and hostile payloads arrive among good ones.
 * Ends when every good order is notified or an exception and the queues are drained, or at
 * `maxSeconds`; counts everything from Postgres, the streams and the simulators' records.
 */
export async function runFaults(plan: FaultPlan): Promise<FaultReport> {
  const { log } = plan;
  const started = Date.now();
  let nats: PrivateNats | undefined;
  let pg: PrivatePostgres | undefined;
  let cluster: PrivateCluster | undefined;
  try {
    nats = await startPrivateNats();
    pg = await startPrivatePostgres();
    log(`faults: private NATS at ${nats.url}, private Postgres on port ${pg.port}`);
    cluster = await startPrivateCluster('faults', () => 1_000_000_000, { natsUrl: nats.url, databaseUrl: pg.url });
    return await runOn(plan, nats, pg, cluster, started);
  } finally {
    await cluster?.close().catch((error: unknown) => log(`faults: cleaning up the cluster failed: ${errorText(error)}`));
    await nats?.close();
    await pg?.close();
  }
}

async function runOn(plan: FaultPlan, nats: PrivateNats, pg: PrivatePostgres, cluster: PrivateCluster, started: number): Promise<FaultReport> {
  const { log } = plan;
  const { db, bus, names } = cluster;
  const never = new AbortController().signal;
  // Several loops sleep on it at once (feed mix, sampler, kills, outages).
  setMaxListeners(32, never);
  const unexpectedExits: string[] = [];
  const killed = new Set<ChildScript<unknown, unknown>>();
  let stopping = false;
  let t0 = Date.now();
  const now = (): number => (Date.now() - t0) / 1000;
  /** Any exit the run did not cause is a crash; the feeder alone ends by itself when it is done (code 0). */
  const watch = (what: string, script: ChildScript<unknown, unknown>, endsByItself = false): void => {
    script.child.once('exit', (code, signal) => {
      if (killed.has(script) || stopping || (endsByItself && code === 0)) return;
      unexpectedExits.push(`${what} (pid ${script.child.pid}) exited with code ${code}, signal ${signal} at ${now().toFixed(1)} s`);
    });
  };
  const workerArgs = ['--concurrency', '256', '--batch-size', '64'];
  const startWorker = (): ChildScript<unknown, unknown> => {
    // --trace-exit: a worker that ends by itself says where.
    const [worker] = cluster.startWorkers([['all']], workerArgs, {}, ['--trace-exit']);
    watch('worker', worker!);
    // A crashed worker is counted (above) and replaced, as a supervisor would, so the run goes on.
    worker!.child.once('exit', () => {
      const slot = workers.find((w) => w.script === worker);
      if (!slot || killed.has(worker!) || stopping) return;
      slot.script = startWorker();
      slot.since = Date.now();
    });
    return worker!;
  };
  const workers: { script: ChildScript<unknown, unknown>; since: number }[] = [];
  for (let i = 0; i < plan.workerProcesses; i++) workers.push({ script: startWorker(), since: Date.now() });
  await cluster.workersReady();

  // What is offered: the feeder's orders, and a shuffled mix of hostile and good web-shop payloads.
  const fed = benchOrders(plan.orders, 3);
  const mixedGood = benchOrders(plan.mixedGood * 6 + 6, 5).filter((o) => o.channel === 'shop').slice(0, plan.mixedGood);
  const hostile = hostilePayloads(plan.hostile, 9);
  const hostileById = new Map(hostile.map((h) => [h.orderId, h]));
  const mix = shuffle([...hostile.map((h) => ({ orderId: h.orderId, channel: 'shop' as const, payload: h.payload })), ...mixedGood], 42);
  const goodIds = new Set([...fed.map((o) => o.orderId), ...mixedGood.map((o) => o.orderId)]);

  const feeder = cluster.startFeeder({ orders: plan.orders, seed: 3, rate: plan.rate, inFlight: 64 });
  watch('feeder', feeder as ChildScript<unknown, unknown>, true);
  await feeder.next((m): m is Extract<FeederOut, { type: 'ready' }> => m.type === 'ready');
  t0 = Date.now();
  feeder.send({ type: 'go' });
  log(`faults: feeding ${plan.orders} orders at ${plan.rate}/s, ${plan.hostile} hostile among ${plan.mixedGood} good; ${plan.workerProcesses} worker processes`);

  // The mix goes in over the first half of the feed, riding out the NATS restart like submit does.
  const encoder = new TextEncoder();
  const mixing = (async () => {
    const spacingMs = ((plan.orders / plan.rate) * 500) / Math.max(1, mix.length);
    for (const item of mix) {
      await waitOutBus(() => submitPayload(bus.js, names, item.channel, encoder.encode(item.payload)), () => undefined);
      await sleep(spacingMs, never);
    }
  })();

  // One sample a second: progress (order events, waybills issued) and the core backlog.
  const samples: Sample[] = [];
  const sampling = (async () => {
    while (!stopping) {
      const t = now();
      const [counts, depths, carrierCalls] = await Promise.all([
        sql<{ events: number; waybills: number }>`select (select count(*)::int from order_events) as events, (select count(*)::int from shipments where waybill_no is not null) as waybills`
          .execute(db)
          .then((r) => r.rows[0]!)
          .catch(() => undefined),
        readQueueDepths(bus.jsm, names).catch(() => undefined),
        carrierStats(cluster.carrierUrl)
          .then((c) => c.calls)
          .catch(() => null),
      ]);
      const core = depths?.filter((d) => (CORE_STAGES as readonly string[]).includes(d.stage));
      samples.push({ t, events: counts?.events ?? null, waybills: counts?.waybills ?? null, coreBacklog: core ? core.reduce((n, d) => n + d.pending + d.ackPending, 0) : null, carrierCalls });
      await sleep(1000, never);
    }
  })();

  const faults: FaultRecord[] = [];
  const at = async (s: number): Promise<void> => {
    const wait = t0 + s * 1000 - Date.now();
    if (wait > 0) await sleep(wait, never);
  };
  // Worker kills, on their own schedule: the longest-running worker that is working (it writes
  // heartbeats: a process killed while it starts up proves nothing), replaced at once.
  let workerKills = 0;
  const heartbeats = await openWorkersBucket(bus.nc, names);
  const workingPids = async (): Promise<Set<number>> => {
    const pids = new Set<number>();
    for await (const key of await heartbeats.keys()) {
      const entry = await heartbeats.get(key);
      const beat = entry?.value.length ? decodeHeartbeat(entry.value) : undefined;
      if (beat) pids.add(beat.pid);
    }
    return pids;
  };
  const killing = (async () => {
    for (let s = plan.killEveryS; s <= plan.killUntilS; s += plan.killEveryS) {
      await at(s);
      const working = await workingPids().catch(() => new Set<number>());
      const candidates = workers.filter((w) => working.has(w.script.child.pid ?? -1) && Date.now() - w.since >= plan.minWorkerLifeS * 1000);
      if (candidates.length === 0) continue;
      const oldest = candidates.reduce((a, b) => (b.since < a.since ? b : a));
      killed.add(oldest.script);
      oldest.script.child.kill('SIGKILL');
      workerKills++;
      oldest.script = startWorker();
      oldest.since = Date.now();
    }
    log(`faults: ${workerKills} worker processes killed -9 (each replaced at once)`);
  })();
  const outage = async (fault: string, atS: number, down: () => Promise<void>, up: () => Promise<void>, forS: number): Promise<void> => {
    await at(atS);
    const began = now();
    await down();
    log(`faults: ${fault} at ${began.toFixed(1)} s`);
    await sleep(forS * 1000, never);
    await up();
    const endedS = now();
    log(`faults: ${fault} over at ${endedS.toFixed(1)} s`);
    faults.push({ fault, atS: began, endedS, movingAgainS: null, coreDrainedS: null });
  };
  const serverFaults = (async () => {
    await outage('NATS kill -9 and restart', plan.natsAtS, () => nats.kill('SIGKILL'), () => nats.start(), plan.downS);
    await outage('Postgres stop -m immediate and start', plan.postgresAtS, () => pg.stopImmediately(), () => pg.start(), plan.downS);
  })();
  const carrierFault = outage(
    `carrier failing every request for ${plan.carrierDownS} s`,
    plan.carrierAtS,
    () => setCarrierFailRate(cluster.carrierUrl, 1),
    () => setCarrierFailRate(cluster.carrierUrl, 0),
    plan.carrierDownS,
  );
  await Promise.all([mixing, killing, serverFaults, carrierFault]);
  const fedDone = await feeder.next((m): m is Extract<FeederOut, { type: 'done' }> => m.type === 'done');
  log(`faults: every fault over at ${now().toFixed(1)} s; ${fedDone.published} fed, ${mix.length} mixed; waiting for the pipeline to finish`);

  // Done: every good order notified or an exception, every hostile one accounted for, queues empty.
  const deadline = started + plan.maxSeconds * 1000;
  let completedS: number | null = null;
  let lastLog = 0;
  for (;;) {
    const state = await finished(cluster, goodIds).catch(() => undefined);
    const depths = await readQueueDepths(bus.jsm, names).catch(() => undefined);
    const empty = depths?.every((d) => d.pending + d.ackPending === 0) ?? false;
    if (state?.done && empty) {
      completedS = now();
      break;
    }
    if (Date.now() > deadline) {
      log(`faults: stopping at ${plan.maxSeconds} s with the pipeline not finished`);
      break;
    }
    if (Date.now() - lastLog > 10_000 && state) {
      lastLog = Date.now();
      log(`faults: ${now().toFixed(0)} s: ${state.settled}/${goodIds.size} good orders notified or an exception; queues ${depths?.map((d) => `${d.stage} ${d.pending + d.ackPending}`).join(' ') ?? 'unreadable'}`);
    }
    await sleep(1000, never);
  }
  stopping = true;
  await sampling;
  for (const f of faults) {
    const at = samples.findIndex((s) => s.t >= f.endedS);
    const after = at < 0 ? [] : samples.slice(at);
    const key = f.fault.startsWith('carrier') ? 'waybills' : 'events';
    const base = after.find((s) => s[key] !== null)?.[key] ?? null;
    const moved = base === null ? undefined : after.find((s) => s[key] !== null && s[key] > base);
    f.movingAgainS = moved ? round(moved.t - f.endedS) : null;
    const drained = after.find((s) => s.coreBacklog === 0);
    f.coreDrainedS = drained ? round(drained.t - f.endedS) : null;
  }
  const lastFaultEnd = Math.max(...faults.map((f) => f.endedS), plan.killUntilS);

  // Count.
  const outcomes = await countOutcomes(db, cluster.carrierUrl, cluster.smsUrl);
  const letters = await listDeadLetters(bus.js, bus.jsm, names);
  /** The order a letter is of: a stage message's `orderId`, or a raw payload's web-shop `id` (sealing may reorder its fields). */
  const keyring = processPiiKeyring();
  const letterOrder = (sealed: Uint8Array): string | undefined => {
    const payload = isSealedBody(sealed) ? openBody(sealed, keyring) : sealed;
    const text = new TextDecoder().decode(payload.subarray(0, 64 * 1024));
    const ref = /"orderId":"([^"]+)"/.exec(text);
    if (ref) return ref[1];
    const ids = [...text.matchAll(/"id":\s*"?(\d+)/g)].map((m) => `shop:${m[1]}`);
    return ids.find((id) => hostileById.has(id) || goodIds.has(id)) ?? ids[0];
  };
  const byStage: Record<string, number> = {};
  const letterFor = new Map<string, string>();
  const goodLettered: string[] = [];
  for (const letter of letters) {
    byStage[letter.stage] = (byStage[letter.stage] ?? 0) + 1;
    const orderId = letterOrder(letter.payload);
    if (orderId && hostileById.has(orderId)) letterFor.set(orderId, letter.error);
    else goodLettered.push(orderId ?? `(unreadable ${letter.stage} letter ${letter.seq}: ${letter.error.slice(0, 120)})`);
  }
  const rows = await db.selectFrom('orders').select(['id', 'status', 'exception_type', 'exception_detail']).execute();
  const orderRows = new Map(rows.map((r) => [r.id, r]));
  const dupOrders = await sql<{ n: number }>`select count(*)::int as n from (select channel, external_id from orders group by 1, 2 having count(*) > 1) d`.execute(db);
  const notifiedCounts = await sql<{ order_id: string; n: number }>`select order_id, count(*)::int as n from notifications where kind = 'being_packed' group by order_id`.execute(db);
  const notifiedTimes = new Map(notifiedCounts.rows.map((r) => [r.order_id, r.n]));
  const dupReservations = await sql<{ n: number }>`
    select coalesce(sum(n - 1), 0)::int as n from (select order_id, line_id, count(*)::int as n from reservations where status = 'held' group by 1, 2 having count(*) > 1) d`.execute(db);
  const carrier = await carrierStats(cluster.carrierUrl);
  // The carrier's calls from the sample at the outage's start to the one at its end.
  const carrierFaultRecord = faults.find((f) => f.fault.startsWith('carrier'));
  const carrierSamples = carrierFaultRecord ? samples.filter((s) => s.t >= carrierFaultRecord.atS && s.t <= carrierFaultRecord.endedS + 1 && s.carrierCalls !== null) : [];
  const callsDuringOutage = carrierSamples.length >= 2 ? carrierSamples.at(-1)!.carrierCalls! - carrierSamples[0]!.carrierCalls! : null;
  let peakCallsPerS: number | null = null;
  for (let i = 1; i < carrierSamples.length; i++) {
    const perS = (carrierSamples[i]!.carrierCalls! - carrierSamples[i - 1]!.carrierCalls!) / Math.max(0.001, carrierSamples[i]!.t - carrierSamples[i - 1]!.t);
    peakCallsPerS = Math.max(peakCallsPerS ?? 0, Math.round(perS));
  }
  const waybilled = await sql<{ n: number }>`select count(*)::int as n from shipments where waybill_no is not null`.execute(db);
  const sms = (await (await fetch(`${cluster.smsUrl}/stats`)).json()) as { byTemplate: Record<string, number> };
  const notifiedOrders = rows.filter((r) => r.status === 'notified').length;

  const exceptionsByType: Record<string, number> = {};
  const goodExceptionsByType: Record<string, number> = {};
  const lostIds: string[] = [];
  let notifiedGood = 0;
  let onceOnly = true;
  for (const id of goodIds) {
    const row = orderRows.get(id);
    const times = notifiedTimes.get(id) ?? 0;
    if (times > 1) onceOnly = false;
    if (row?.status === 'notified' && times === 1) notifiedGood++;
    else if (row?.status === 'exception') goodExceptionsByType[row.exception_type ?? '?'] = (goodExceptionsByType[row.exception_type ?? '?'] ?? 0) + 1;
    else if (row?.status !== 'notified') lostIds.push(`${id} (${row ? row.status : 'not in Postgres'})`);
  }
  for (const r of rows) if (r.status === 'exception') exceptionsByType[r.exception_type ?? '?'] = (exceptionsByType[r.exception_type ?? '?'] ?? 0) + 1;

  const byKind: Record<string, { offered: number; deadLettered: number; exception: number }> = {};
  const slippedThrough: string[] = [];
  const withoutFieldReason: string[] = [];
  let refused = 0;
  let withFieldReason = 0;
  for (const h of hostile) {
    const kind = (byKind[h.kind as HostileKind] ??= { offered: 0, deadLettered: 0, exception: 0 });
    kind.offered++;
    const letter = letterFor.get(h.orderId);
    const row = orderRows.get(h.orderId);
    let reason: string | undefined;
    if (letter !== undefined) {
      kind.deadLettered++;
      reason = letter;
    } else if (row?.status === 'exception') {
      kind.exception++;
      reason = row.exception_detail ?? '';
    } else {
      slippedThrough.push(`${h.orderId} ${h.kind}: ${row ? row.status : 'not in Postgres and no dead letter'}`);
      continue;
    }
    refused++;
    if (FIELD_REASON.test(reason)) withFieldReason++;
    else withoutFieldReason.push(`${h.orderId} ${h.kind}: ${reason.slice(0, 200)}`);
  }
  const smsDup = Math.max(0, (sms.byTemplate.being_packed ?? 0) - notifiedOrders) + Math.max(0, (sms.byTemplate.review_reminder ?? 0) - notifiedOrders);
  const duplicated = {
    orders: dupOrders.rows[0]!.n,
    reservations: dupReservations.rows[0]!.n,
    waybills: Math.max(0, carrier.issued - waybilled.rows[0]!.n),
    sms: smsDup,
    total: 0,
  };
  duplicated.total = duplicated.orders + duplicated.reservations + duplicated.waybills + duplicated.sms;
  return {
    plan: { ...plan, log: undefined } as unknown as Omit<FaultPlan, 'log'>,
    offered: { good: goodIds.size, hostile: hostile.length },
    notified: notifiedGood,
    notifiedExactlyOnce: onceOnly && outcomes.duplicated === 0,
    lost: lostIds.length,
    lostIds: lostIds.slice(0, 50),
    duplicated,
    oversold: outcomes.oversold,
    outcomes,
    deadLettered: { total: letters.length, hostile: letterFor.size, good: goodLettered.length, goodIds: goodLettered.slice(0, 50), byStage },
    hostile: { refused, withFieldReason, slippedThrough, withoutFieldReason, byKind },
    exceptionsByType,
    goodExceptionsByType,
    faults,
    carrier: { callsDuringOutage, peakCallsPerS, shipmentsWaybilled: waybilled.rows[0]!.n, issued: carrier.issued, voided: carrier.voided, repeatedKeys: carrier.duplicates },
    workerKills,
    unexpectedExits,
    completedS: completedS === null ? null : round(completedS),
    drainedAfterLastFaultS: completedS === null ? null : round(completedS - lastFaultEnd),
    seconds: round((Date.now() - started) / 1000),
  };
}

/** Whether every good order is notified or an exception (read from Postgres). */
async function finished(cluster: PrivateCluster, goodIds: ReadonlySet<string>): Promise<{ done: boolean; settled: number }> {
  const rows = await cluster.db.selectFrom('orders').select(['id', 'status']).where('status', 'in', ['notified', 'exception']).execute();
  const settled = rows.filter((r) => goodIds.has(r.id)).length;
  return { done: settled === goodIds.size, settled };
}

/** The carrier simulator's counters (scripts/simulators/carrier-simulator.ts). */
async function carrierStats(carrierUrl: string): Promise<{ issued: number; voided: number; duplicates: number; calls: number }> {
  const res = await fetch(`${carrierUrl}/stats`);
  if (!res.ok) throw new Error(`carrier simulator /stats answered ${res.status}`);
  return (await res.json()) as { issued: number; voided: number; duplicates: number; calls: number };
}

async function setCarrierFailRate(carrierUrl: string, failRate: number): Promise<void> {
  const res = await fetch(`${carrierUrl}/admin/faults`, { method: 'POST', body: JSON.stringify({ failRate }) });
  if (!res.ok) throw new Error(`carrier simulator refused the fault: ${res.status} ${await res.text()}`);
}

/** A deterministic shuffle (mulberry32), so a run offers the same mix every time. */
function shuffle<T>(items: T[], seed: number): T[] {
  const random = mulberry32(seed);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const round = (s: number): number => Math.round(s * 10) / 10;
