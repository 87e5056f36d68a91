import { countExceptionsByType } from '../../sql/queries/order-list.ts';
import { countByStatus } from '../../sql/queries/orders.ts';
import type { Db } from '../../sql/database.ts';
import { STAGE_FOR_STATUS, type OrderStatus } from '../../streams/pipeline.ts';

/** Where every order of a demo run ended up. */
export interface DemoSummary {
  seconds: number;
  /** Payloads the connectors published (new orders and their updates). */
  published: number;
  orders: Partial<Record<OrderStatus, number>>;
  exceptions: Record<string, number>;
  /** Where /metrics is served: one URL per worker process. */
  metricsUrls: string[];
}

/** Reads the orders created since `since` by status, and the exceptions among them by type. */
export async function readDemoSummary(db: Db, since: Date, rest: Omit<DemoSummary, 'orders' | 'exceptions'>): Promise<DemoSummary> {
  const [orders, exceptions] = await Promise.all([countByStatus(db, since), countExceptionsByType(db, since)]);
  return { ...rest, orders, exceptions };
}

/** Statuses a stage still moves an order on from: received, priced, routed, picking, waybilled. */
const IN_FLIGHT = Object.keys(STAGE_FOR_STATUS) as OrderStatus[];

/**
 * The demo's last words: every order accounted for (notified, awaiting payment, cancelled,
 * exceptions by type, still in flight, which add up to the orders in), and where /metrics is.
 */
export function formatDemoSummary(s: DemoSummary): string {
  const n = (status: OrderStatus): number => s.orders[status] ?? 0;
  const total = Object.values(s.orders).reduce((a, b) => a + (b ?? 0), 0);
  const list = (entries: [string, number][]): string => entries.filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
  const inFlight = IN_FLIGHT.reduce((a, status) => a + n(status), 0);
  const row = (label: string, value: number, detail = ''): string => `  ${label.padEnd(17)} ${String(value).padStart(8)}${detail ? `  ${detail}` : ''}`;
  return [
    `ran ${s.seconds.toFixed(1)} s: ${total} orders in (${s.published} payloads published by the connectors, later updates included)`,
    row('notified', n('notified'), `${(n('notified') / Math.max(s.seconds, 0.001)).toFixed(1)} orders/s end to end`),
    row('awaiting payment', n('awaiting_payment')),
    row('cancelled', n('cancelled')),
    row('exceptions', n('exception'), list(Object.entries(s.exceptions))),
    row('still in flight', inFlight, list(IN_FLIGHT.map((status) => [status, n(status)]))),
    `metrics: ${s.metricsUrls.join(', ')} (served while workers run)`,
  ].join('\n');
}
