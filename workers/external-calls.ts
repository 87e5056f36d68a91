import { Counter, Histogram, Registry } from 'prom-client';

/**
 * Calls to outside services (carrier, SMS gateway, platforms, alert webhooks), counted where every
 * call is made (`idempotent-post.ts`), in a registry of the process that every worker's metrics
 * include: the call sites live in stages, which see no metrics object.
 */
export const externalCallRegistry = new Registry();

/** What became of a call: answered 2xx, refused (4xx: asking again will not help), or failed (5xx, 429, timeout, network). */
export type ExternalOutcome = 'ok' | 'rejected' | 'transient';

/** The outside services, a bounded label: never a URL or an id. */
export type ExternalService = 'carrier' | 'sms' | 'wms' | 'invoice' | 'platform' | 'alert_webhook' | 'other';

const requests = new Counter({
  name: 'ordersurge_external_requests_total',
  help: 'HTTP calls to outside services, by service and outcome (ok, rejected: 4xx, transient: 5xx/429/timeout/network)',
  labelNames: ['service', 'outcome'],
  registers: [externalCallRegistry],
});

const duration = new Histogram({
  name: 'ordersurge_external_request_duration_seconds',
  help: 'Time from sending a call to an outside service to its answer (or failure), by service',
  labelNames: ['service'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [externalCallRegistry],
});

/**
 * The service a URL belongs to, by the paths our adapters call.
 *
 * @example
 * serviceOf('http://carrier:7311/waybills/batch') // 'carrier'
 */
export function serviceOf(url: string): ExternalService {
  const path = URL.canParse(url) ? new URL(url).pathname : url;
  if (path.startsWith('/waybills')) return 'carrier';
  if (path.startsWith('/sms')) return 'sms';
  if (path.startsWith('/pick-tasks')) return 'wms';
  if (path.startsWith('/invoices')) return 'invoice';
  if (path.startsWith('/buyer-messages')) return 'platform';
  return 'other';
}

/** Counts one call and its latency. */
export function recordExternalCall(service: ExternalService, outcome: ExternalOutcome, seconds: number): void {
  requests.inc({ service, outcome });
  duration.observe({ service }, seconds);
}
