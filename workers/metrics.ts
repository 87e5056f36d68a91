import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { circuitRegistry } from './circuit/service-breaker.ts';

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
  inflowPerMinute: Gauge;
  deferred: Counter<'stage'>;
  replayed: Counter<'stage'>;
  deferredBacklog: Gauge<'stage'>;
}

export function createMetrics(): StageMetrics {
  const registry = new Registry();
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
    inflowPerMinute: new Gauge({ name: 'ordersurge_inflow_orders_per_minute', help: 'Orders entering ingest per minute, as the peak guard measures it', registers: [registry] }),
    deferred: new Counter({ name: 'ordersurge_deferred_total', help: 'Messages for a non-core stage parked in the deferred stream during peak mode', labelNames: ['stage'], registers: [registry] }),
    replayed: new Counter({ name: 'ordersurge_replayed_total', help: 'Deferred messages handed back to their stage after peak mode', labelNames: ['stage'], registers: [registry] }),
    deferredBacklog: new Gauge({ name: 'ordersurge_deferred_backlog', help: 'Deferred messages waiting for replay, per stage', labelNames: ['stage'], registers: [registry] }),
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
