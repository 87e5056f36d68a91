import { hostname } from 'node:os';
import { Kvm, type KV } from '@nats-io/kv';
import type { Db } from '../../sql/database.ts';
import { processingTimesBetween, readExceptionAlert, readKpis } from '../../sql/queries/kpis.ts';
import type { Bus } from '../../streams/connect.ts';
import type { Names } from '../../streams/names.ts';
import { errorText } from '../error-text.ts';
import type { KpiGauges, StageMetrics } from '../metrics.ts';
import { sleep } from '../sleep.ts';
import { postAlert, type ExceptionAlertEvent } from './alert-webhook.ts';
import { periodStart, type ExceptionAlertRule } from './exception-alert.ts';
import type { KpiName } from './kpi-report.ts';

export interface KpiTaskOptions {
  db: Db;
  bus: Bus;
  names: Names;
  metrics: StageMetrics;
  rule: ExceptionAlertRule;
  /** Where the alert is POSTed; undefined sends none (the event and the metric still happen). */
  webhookUrl: string | undefined;
  /** How often the KPIs are read (30 s at least is sensible: they are sums over hours). */
  intervalMs: number;
  log: (line: string) => void;
}

/** The KV bucket holding the KPI task's lease and one entry per alert raised (its history is the alert log). */
export function alertsBucket(names: Names): string {
  return `${names.namespace}-alerts`;
}

/** Subject the alert event is published on, for anyone listening live. */
export function alertSubject(names: Names): string {
  return `${names.namespace}.alerts.exception_rate`;
}

const LEASE_KEY = 'kpi-task-lease';

const GAUGE_OF: Record<KpiName, keyof KpiGauges> = {
  processing_time: 'processingTime',
  exception_rate: 'exceptionRate',
  inventory_accuracy: 'inventoryAccuracy',
  complaint_rate: 'complaintRate',
  reconciliation_difference: 'reconciliationDifference',
};

/**
 * The KPI task of a worker process. One process of the cluster holds a lease in the alerts
 * bucket (taken over when its holder stops renewing it) and, every interval: reads today's KPIs
 * into the KPI gauges, observes the paid-to-waybill time of the orders waybilled since its last
 * round, and decides the exception alert. An alert starting or ending (per period: see
 * `decideExceptionAlert`) is raised once per cluster: the first process to create its key in the
 * bucket (the event, kept in the bucket's stream) publishes it on `alertSubject`, counts it and
 * POSTs it to the webhook; a process that finds the key there does nothing. The other processes
 * serve no KPI samples, so Prometheus sees one series.
 */
export function startKpiTask(opts: KpiTaskOptions): { stop(): Promise<void> } {
  const abort = new AbortController();
  // Made on the first round, so a short-lived process (a test) leaves no bucket behind.
  let kv: KV | undefined;
  const bucket = async (): Promise<KV> => (kv ??= await new Kvm(opts.bus.nc).create(alertsBucket(opts.names), { history: 1 }));
  const me = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  let since: Date | undefined;
  let failing = false;
  const loop = (async () => {
    await sleep(opts.intervalMs, abort.signal);
    while (!abort.signal.aborted) {
      try {
        // A round may take a while on a busy database: the lease outlives several of them.
        if (await holdLease(await bucket(), me, Math.max(opts.intervalMs * 3, 30_000))) {
          since = await round(opts, await bucket(), since, abort.signal);
        } else {
          since = undefined;
          clearKpiGauges(opts.metrics);
        }
        if (failing) opts.log('kpi task: reading again');
        failing = false;
      } catch (error) {
        if (!failing) opts.log(`kpi task: ${errorText(error)}; trying again in ${opts.intervalMs / 1000} s`);
        failing = true;
      }
      await sleep(opts.intervalMs, abort.signal);
    }
  })();
  return {
    stop: async () => {
      abort.abort();
      await loop;
      if (kv) await releaseLease(kv, me).catch(() => undefined);
    },
  };
}

/** Takes or renews the lease; false when another live process holds it. */
async function holdLease(kv: KV, me: string, ttlMs: number): Promise<boolean> {
  const entry = await kv.get(LEASE_KEY);
  const value = JSON.stringify({ holder: me, until: Date.now() + ttlMs });
  if (!entry || entry.operation !== 'PUT') return tryWrite(() => kv.create(LEASE_KEY, value));
  const lease = JSON.parse(entry.string()) as { holder: string; until: number };
  if (lease.holder !== me && lease.until > Date.now()) return false;
  return tryWrite(() => kv.update(LEASE_KEY, value, entry.revision));
}

async function releaseLease(kv: KV, me: string): Promise<void> {
  const entry = await kv.get(LEASE_KEY);
  if (entry?.operation === 'PUT' && (JSON.parse(entry.string()) as { holder: string }).holder === me) await kv.delete(LEASE_KEY, { previousSeq: entry.revision });
}

/** Runs a conditional write; false when somebody else wrote first. */
async function tryWrite(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof Error && /wrong last sequence|key exists/i.test(error.message)) return false;
    throw error;
  }
}

function clearKpiGauges(metrics: StageMetrics): void {
  for (const gauge of Object.values(metrics.kpis)) gauge.reset();
  metrics.exceptionAlert.firing.reset();
  metrics.exceptionAlert.periods.reset();
  metrics.exceptionAlert.latestRate.reset();
}

/** One round of the lease holder; returns the waybill time up to which processing times were observed. */
async function round(opts: KpiTaskOptions, kv: KV, since: Date | undefined, signal: AbortSignal): Promise<Date> {
  const now = new Date();
  const report = await readKpis(opts.db, { from: periodStart(now, 86_400), to: now }, opts.rule);
  for (const k of report.kpis) {
    const gauge = opts.metrics.kpis[GAUGE_OF[k.name as KpiName]];
    if (k.value === null) gauge.reset();
    else gauge.set({ period: 'today' }, k.value);
  }
  const upTo = await observeProcessingTimes(opts, since ?? now);
  const alert = await readExceptionAlert(opts.db, now, opts.rule);
  const latest = alert.window.at(-1)!;
  const labels = { alert: 'exception_rate' };
  opts.metrics.exceptionAlert.firing.set(labels, alert.firing ? 1 : 0);
  opts.metrics.exceptionAlert.periods.set(labels, alert.periods);
  if (latest.orders > 0) opts.metrics.exceptionAlert.latestRate.set(labels, latest.exceptions / latest.orders);
  else opts.metrics.exceptionAlert.latestRate.reset();
  if (alert.transition !== 'none') {
    const key = `exception_rate.${alert.transition}.${Math.floor(latest.end.getTime() / 1000)}`;
    const event: ExceptionAlertEvent = {
      alert: 'exception_rate',
      status: alert.transition === 'fire' ? 'firing' : 'resolved',
      periodStart: latest.start.toISOString(),
      periodEnd: latest.end.toISOString(),
      periods: alert.periods,
      limit: opts.rule.limit,
      required: opts.rule.periods,
      rates: alert.window.map((p) => ({ start: p.start.toISOString(), end: p.end.toISOString(), orders: p.orders, exceptions: p.exceptions, rate: p.orders > 0 ? p.exceptions / p.orders : null })),
      topExceptions: alert.topExceptions,
      raisedBy: `${hostname()}:${process.pid}`,
    };
    await raise(opts, kv, key, event, signal);
  }
  return upTo;
}

/** Raises the alert once per cluster: only the process whose create of `key` wins sends it. */
async function raise(opts: KpiTaskOptions, kv: KV, key: string, event: ExceptionAlertEvent, signal: AbortSignal): Promise<void> {
  const body = JSON.stringify(event);
  if (!(await tryWrite(() => kv.create(key, body)))) return;
  opts.metrics.exceptionAlert.raised.inc({ transition: event.status === 'firing' ? 'fire' : 'clear' });
  opts.bus.nc.publish(alertSubject(opts.names), body);
  const top = event.topExceptions.map((t) => `${t.type} ${t.count}`).join(', ') || 'none';
  opts.log(
    event.status === 'firing'
      ? `ALERT exception rate at or over ${(opts.rule.limit * 100).toFixed(1)}% for ${event.periods} consecutive periods (to ${event.periodEnd}); top exceptions: ${top}`
      : `exception alert resolved: the period to ${event.periodEnd} is under ${(opts.rule.limit * 100).toFixed(1)}%`,
  );
  if (opts.webhookUrl === undefined) return;
  const error = await postAlert(opts.webhookUrl, key, event, signal);
  if (error !== undefined) opts.log(`ALERT webhook failed, the alert is in the ${alertsBucket(opts.names)} bucket as ${key}: ${error}`);
}

/**
 * Observes the paid-to-waybill time of every order waybilled in `[since, now - 1 min)` (a minute
 * back, so a batch committing late is not skipped) and returns where it stopped.
 */
async function observeProcessingTimes(opts: KpiTaskOptions, since: Date): Promise<Date> {
  const upTo = new Date(Date.now() - 60_000);
  if (upTo <= since) return since;
  for (const seconds of await processingTimesBetween(opts.db, since, upTo)) opts.metrics.paidToWaybill.observe(Math.max(0, seconds));
  return upTo;
}
