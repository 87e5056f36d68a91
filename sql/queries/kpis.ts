import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { kpi } from '../../workers/kpi/kpi-health.ts';
import type { KpiReport } from '../../workers/kpi/kpi-report.ts';
import { alertWindow, decideExceptionAlert, DEFAULT_EXCEPTION_ALERT, type ExceptionAlertRule, type PeriodCounts } from '../../workers/kpi/exception-alert.ts';

/**
 * How long before an order's placement its exception event may be stamped (the platform's clock
 * against ours). Exceptions are found through the events of the period, not through every
 * exception ever, so an event stamped before this bound would be missed; a day is very safe.
 */
const CLOCK_SKEW = '1 day';

/**
 * The five KPIs of the period `[from, to)`, read from Postgres, and the exception alert as of `to`.
 *
 * - processing time: mean of waybill time minus paid time (placement time for cash on delivery)
 *   of the orders waybilled in the period;
 * - exception rate: orders placed in the period that became exceptions (needed manual handling,
 *   whether or not handled since) over all orders placed in the period;
 * - inventory accuracy: SKUs whose sellable count (on hand minus the reserved counter) equals the
 *   stock really available (on hand minus held reservations), as of now;
 * - complaint rate and reconciliation difference: null, with a note: no data source yet.
 *
 * Each query reads only its period's rows through the indexes of migration 0010.
 *
 * @example
 * const report = await readKpis(db, { from: new Date('2026-11-11T00:00:00+08:00'), to: new Date() });
 */
export async function readKpis(db: Db, period: { from: Date; to: Date }, rule: ExceptionAlertRule = DEFAULT_EXCEPTION_ALERT): Promise<KpiReport> {
  const { from, to } = period;
  const [processing, exceptions, inventory, alert] = await Promise.all([
    processingTime(db, from, to),
    exceptionCounts(db, from, to),
    inventoryAccuracy(db),
    readExceptionAlert(db, to, rule),
  ]);
  return {
    from,
    to,
    kpis: [
      kpi('processing_time', processing.meanSeconds, processing.orders === 0 ? 'no order waybilled in the period' : `${processing.orders} orders waybilled, paid -> waybill`),
      kpi(
        'exception_rate',
        exceptions.orders === 0 ? null : exceptions.exceptions / exceptions.orders,
        exceptions.orders === 0 ? 'no order placed in the period' : `${exceptions.exceptions} of ${exceptions.orders} orders placed needed manual handling`,
      ),
      kpi(
        'inventory_accuracy',
        inventory.skus === 0 ? null : inventory.accurate / inventory.skus,
        inventory.skus === 0
          ? 'no stock recorded'
          : `${inventory.accurate} of ${inventory.skus} SKUs: reserved counter equals held reservations, as of now; platforms' listed counts are not synced yet`,
      ),
      kpi('complaint_rate', null, 'no data source yet: complaints are not recorded'),
      kpi('reconciliation_difference', null, 'no data source yet: platform settlements are not imported'),
    ],
    alert: { firing: alert.firing, periods: alert.periods, topExceptions: alert.topExceptions },
  };
}

/** The exception alert as of `now`: the decision over the last complete periods and the latest period's top five exception types. */
export interface ExceptionAlertReading {
  firing: boolean;
  periods: number;
  transition: 'fire' | 'clear' | 'none';
  /** The complete periods looked at, oldest first. */
  window: PeriodCounts[];
  topExceptions: Array<{ type: string; count: number }>;
}

/** Reads the counts of the periods the alert looks at as of `now` and decides it. */
export async function readExceptionAlert(db: Db, now: Date, rule: ExceptionAlertRule): Promise<ExceptionAlertReading> {
  const w = alertWindow(now, rule);
  const window = await exceptionCountsByPeriod(db, w.start, rule.periodSeconds, w.count);
  const latest = window.at(-1)!;
  const topExceptions = await topExceptionTypes(db, latest.start, latest.end, 5);
  return { ...decideExceptionAlert(window, rule), window, topExceptions };
}

/** Orders waybilled in `[from, to)` and their mean processing time (paid, or placed for cash on delivery, to waybill). */
export async function processingTime(db: Db, from: Date, to: Date): Promise<{ orders: number; meanSeconds: number | null }> {
  const { rows } = await sql<{ orders: number; mean_s: number | null }>`
    select count(*)::int as orders, avg(extract(epoch from s.waybilled_at - coalesce(o.paid_at, o.placed_at)))::float8 as mean_s
      from shipments s
      join shipment_orders so on so.shipment_id = s.id
      join orders o on o.id = so.order_id
     where s.waybilled_at >= ${from} and s.waybilled_at < ${to}`.execute(db);
  const row = rows[0]!;
  return { orders: row.orders, meanSeconds: row.mean_s };
}

/** Orders placed in `[from, to)` and how many of them became exceptions. */
export async function exceptionCounts(db: Db, from: Date, to: Date): Promise<{ orders: number; exceptions: number }> {
  const [period] = await exceptionCountsByPeriod(db, from, (to.getTime() - from.getTime()) / 1000, 1);
  return { orders: period!.orders, exceptions: period!.exceptions };
}

/**
 * Orders placed and exceptions among them in `count` consecutive periods of `periodSeconds` from
 * `start`, oldest first, every period present (zero when empty). Two index range scans: orders by
 * placement, exception events by time (an exception is raised after its order is placed).
 */
export async function exceptionCountsByPeriod(db: Db, start: Date, periodSeconds: number, count: number): Promise<PeriodCounts[]> {
  const end = new Date(start.getTime() + count * periodSeconds * 1000);
  const bucket = (column: string) => sql<number>`floor(extract(epoch from ${sql.ref(column)} - ${start}::timestamptz) / ${periodSeconds}::float8)::int`;
  const [placed, flagged] = await Promise.all([
    sql<{ bucket: number; n: number }>`
      select ${bucket('o.placed_at')} as bucket, count(*)::int as n
        from orders o where o.placed_at >= ${start} and o.placed_at < ${end}
       group by 1`.execute(db),
    sql<{ bucket: number; n: number }>`
      select ${bucket('o.placed_at')} as bucket, count(distinct o.id)::int as n
        from order_events e join orders o on o.id = e.order_id
       where e.type = 'exception' and e.at >= ${start}::timestamptz - ${CLOCK_SKEW}::interval
         and o.placed_at >= ${start} and o.placed_at < ${end}
       group by 1`.execute(db),
  ]);
  const orders = new Map(placed.rows.map((r) => [r.bucket, r.n]));
  const exceptions = new Map(flagged.rows.map((r) => [r.bucket, r.n]));
  return Array.from({ length: count }, (_, i) => ({
    start: new Date(start.getTime() + i * periodSeconds * 1000),
    end: new Date(start.getTime() + (i + 1) * periodSeconds * 1000),
    orders: orders.get(i) ?? 0,
    exceptions: exceptions.get(i) ?? 0,
  }));
}

/** The `limit` most frequent exception types among orders placed in `[from, to)`, most frequent first (then by name). */
export async function topExceptionTypes(db: Db, from: Date, to: Date, limit: number): Promise<Array<{ type: string; count: number }>> {
  const { rows } = await sql<{ type: string; count: number }>`
    select coalesce(e.detail->>'type', 'unknown') as type, count(distinct o.id)::int as count
      from order_events e join orders o on o.id = e.order_id
     where e.type = 'exception' and e.at >= ${from}::timestamptz - ${CLOCK_SKEW}::interval
       and o.placed_at >= ${from} and o.placed_at < ${to}
     group by 1 order by 2 desc, 1 limit ${limit}`.execute(db);
  return rows;
}

/**
 * SKUs whose sellable count equals the stock really available: in every warehouse, the reserved
 * counter equals the sum of held reservations. A stock snapshot, not a period.
 */
export async function inventoryAccuracy(db: Db): Promise<{ skus: number; accurate: number }> {
  const { rows } = await sql<{ skus: number; accurate: number }>`
    with held as (
      select sku, warehouse, sum(qty)::bigint as qty from reservations where status = 'held' group by sku, warehouse
    ), per_sku as (
      select i.sku, bool_and(i.reserved = coalesce(h.qty, 0)) as ok
        from inventory i left join held h on h.sku = i.sku and h.warehouse = i.warehouse
       group by i.sku
    )
    select count(*)::int as skus, count(*) filter (where ok)::int as accurate from per_sku`.execute(db);
  return rows[0]!;
}
