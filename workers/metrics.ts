import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { externalCallRegistry } from './external-calls.ts';
import { circuitRegistry } from './circuit/service-breaker.ts';
import { shopAuthRegistry } from './ingest/connectors/shop-auth-metrics.ts';

/** The Prometheus metrics of one worker process. */
export interface StageMetrics {
  registry: Registry;
  processed: Counter<'stage' | 'outcome'>;
  latency: Histogram<'stage'>;
  inFlight: Gauge<'stage'>;
  queuePending: Gauge<'stage'>;
  queueAckPending: Gauge<'stage'>;
  redelivered: Gauge<'stage'>;
  peakActive: Gauge;
  peakChanges: Counter<'to'>;
  inflowPerSecond: Gauge;
  deferred: Counter<'stage'>;
  replayed: Counter<'stage'>;
  deferredBacklog: Gauge<'stage'>;
  /** Pending plus ack pending: every message of the stage not yet done. */
  queueDepth: Gauge<'stage'>;
  queueOldestAge: Gauge<'stage'>;
  deadLetters: Gauge;
  /** Paid to waybill per order (the processing-time KPI), observed by the KPI task. */
  paidToWaybill: Histogram;
  kpis: KpiGauges;
  /** Labelled `alert="exception_rate"`; no sample where the KPI task does not run (not the lease holder). */
  exceptionAlert: { firing: Gauge<'alert'>; periods: Gauge<'alert'>; latestRate: Gauge<'alert'>; raised: Counter<'transition'> };
}

/**
 * The five KPIs as gauges labelled `period="today"` (China time; inventory accuracy is as of
 * now); a KPI without a value (no data, no source yet) has no sample, never a made-up 0.
 */
export interface KpiGauges {
  processingTime: Gauge<'period'>;
  exceptionRate: Gauge<'period'>;
  inventoryAccuracy: Gauge<'period'>;
  complaintRate: Gauge<'period'>;
  reconciliationDifference: Gauge<'period'>;
}

/**
 * A worker process's metrics, Prometheus style: prefix `ordersurge_`, base units (seconds),
 * `_total` counters, labels bounded (stage, outcome, service, transition; never an order id).
 * The calls to outside services (`external-calls.ts`) are part of it.
 */
export function createMetrics(): StageMetrics {
  // The demo runs its connectors in a worker process: their shops' authorisation is served here too.
  const registry = Registry.merge([new Registry(), externalCallRegistry, shopAuthRegistry]);
  const gauge = (name: string, help: string): Gauge => new Gauge({ name, help, registers: [registry] });
  const kpiGauge = (name: string, help: string): Gauge<'period'> => new Gauge({ name, help, labelNames: ['period'], registers: [registry] });
  const alertGauge = (name: string, help: string): Gauge<'alert'> => new Gauge({ name, help, labelNames: ['alert'], registers: [registry] });
  collectDefaultMetrics({ register: registry, prefix: 'ordersurge_' });
  return {
    registry,
    processed: new Counter({
      name: 'ordersurge_messages_processed_total',
      help: 'Messages a stage finished, by outcome: done, retry, dead',
      labelNames: ['stage', 'outcome'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'ordersurge_stage_duration_seconds',
      help: 'Time from a message being pulled to its ack, per stage',
      labelNames: ['stage'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'ordersurge_in_flight',
      help: 'Messages this process holds unacked, per stage',
      labelNames: ['stage'],
      registers: [registry],
    }),
    queuePending: new Gauge({
      name: 'ordersurge_queue_pending',
      help: 'Messages waiting in a stage queue, not yet delivered (consumer num_pending)',
      labelNames: ['stage'],
      registers: [registry],
    }),
    queueAckPending: new Gauge({
      name: 'ordersurge_queue_ack_pending',
      help: 'Messages delivered to some worker of a stage and not yet acked (consumer num_ack_pending)',
      labelNames: ['stage'],
      registers: [registry],
    }),
    redelivered: new Gauge({
      name: 'ordersurge_queue_redelivered',
      help: 'Messages of a stage being redelivered (consumer num_redelivered)',
      labelNames: ['stage'],
      registers: [registry],
    }),
    peakActive: new Gauge({ name: 'ordersurge_peak_mode', help: 'Peak mode as this worker sees it: 1 on (non-core work deferred), 0 off', registers: [registry] }),
    peakChanges: new Counter({ name: 'ordersurge_peak_mode_changes_total', help: 'Peak mode changes this worker saw, by the mode changed to', labelNames: ['to'], registers: [registry] }),
    inflowPerSecond: new Gauge({ name: 'ordersurge_inflow_orders_per_second', help: 'Orders entering ingest per second, as the peak guard measures it', registers: [registry] }),
    deferred: new Counter({ name: 'ordersurge_deferred_total', help: 'Messages for a non-core stage parked in the deferred stream during peak mode', labelNames: ['stage'], registers: [registry] }),
    replayed: new Counter({ name: 'ordersurge_replayed_total', help: 'Deferred messages handed back to their stage after peak mode', labelNames: ['stage'], registers: [registry] }),
    deferredBacklog: new Gauge({ name: 'ordersurge_deferred_backlog', help: 'Deferred messages waiting for replay, per stage', labelNames: ['stage'], registers: [registry] }),
    queueDepth: new Gauge({ name: 'ordersurge_queue_depth', help: 'Messages of a stage not done yet: pending plus ack pending', labelNames: ['stage'], registers: [registry] }),
    queueOldestAge: new Gauge({ name: 'ordersurge_queue_oldest_age_seconds', help: 'Age of the oldest message still in a stage queue; 0 when empty', labelNames: ['stage'], registers: [registry] }),
    deadLetters: gauge('ordersurge_dead_letters', 'Messages stored in the dead-letter stream, waiting for an operator'),
    paidToWaybill: new Histogram({
      name: 'ordersurge_order_paid_to_waybill_seconds',
      help: 'Per order, paid (placed for cash on delivery) to waybill: the processing-time KPI; observed by the one process running the KPI task',
      buckets: [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 14_400, 43_200, 86_400],
      registers: [registry],
    }),
    kpis: {
      processingTime: kpiGauge('ordersurge_kpi_processing_time_seconds', 'KPI today (China time): mean paid to waybill; healthy <= 7200'),
      exceptionRate: kpiGauge('ordersurge_kpi_exception_ratio', 'KPI today (China time): orders that became exceptions over orders received; healthy < 0.08'),
      inventoryAccuracy: kpiGauge('ordersurge_kpi_inventory_accuracy_ratio', 'KPI now: SKUs whose sellable count equals available stock; healthy >= 0.992'),
      complaintRate: kpiGauge('ordersurge_kpi_complaint_ratio', 'KPI today: orders with a complaint ticket over all orders; healthy <= 0.005'),
      reconciliationDifference: kpiGauge('ordersurge_kpi_reconciliation_difference_ratio', 'KPI today: abs(receivable - settlement) / sales; healthy <= 0.003 (no sample until a settlement of the day is imported)'),
    },
    exceptionAlert: {
      firing: alertGauge('ordersurge_exception_alert_firing', 'The exception alert: 1 while the exception rate has been at or over its limit for the configured consecutive periods'),
      periods: alertGauge('ordersurge_exception_alert_periods', 'Consecutive complete periods whose exception rate was at or over its limit'),
      latestRate: alertGauge('ordersurge_exception_rate_last_period_ratio', 'Exception rate of the latest complete alert period'),
      raised: new Counter({ name: 'ordersurge_exception_alerts_total', help: 'Exception alerts this process raised (event, webhook), by transition: fire, clear', labelNames: ['transition'], registers: [registry] }),
    },
  };
}

/**
 * Serves `/metrics` on `port`. When the port is taken and `strict` is false, the next free port
 * above it is used, so several worker processes on one machine each get one.
 */
export async function serveMetrics(registry: Registry, port: number, strict: boolean): Promise<http.Server & { port: number }> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('see /metrics\n');
      return;
    }
    // The circuit breakers keep their own registry (they live in stages, which see no metrics).
    Promise.all([registry.metrics(), circuitRegistry.metrics()]).then(
      (bodies) => res.writeHead(200, { 'content-type': registry.contentType }).end(bodies.join('')),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  for (let candidate = port, tries = 0; ; candidate++, tries++) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(candidate, '0.0.0.0', () => {
          server.off('error', reject);
          resolve();
        });
      });
      return Object.assign(server, { port: (server.address() as AddressInfo).port });
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!inUse || strict || port === 0 || tries >= 50) {
        throw new Error(`metrics: cannot listen on port ${candidate} (${(error as Error).message}); set METRICS_PORT or --metrics-port`);
      }
    }
  }
}
