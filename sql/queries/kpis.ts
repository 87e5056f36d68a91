import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { buildReport } from '../../workers/reconcile/reconcile-report.ts';
import { ordersWithSettlements, settledWithoutOrder } from './settlements.ts';
import { kpi } from '../../workers/kpi/kpi-health.ts';
import type { KpiReport } from '../../workers/kpi/kpi-report.ts';
import { alertWindow, decideExceptionAlert, DEFAULT_EXCEPTION_ALERT, type ExceptionAlertRule, type PeriodCounts } from '../../workers/kpi/exception-alert.ts';

const HOUR_MS = 3_600_000;

/** An hour is rolled up only this long after it ended, when every write stamped in it has surely committed. */
const SETTLE = '10 minutes';

/** What happened in a stretch of time, by the server's own clock. */
export interface Activity {
  /** Orders received (`created_at`). */
  orders: number;
  /** Orders that became exceptions (an exception event), by when it was raised. */
  exceptions: number;
  /** Orders waybilled (their shipment's `waybilled_at`). */
  waybilled: number;
  /** Sum over the orders waybilled of waybill time minus paid time (placement for cash on delivery). */
  processingSeconds: number;
  /** Orders that got each exception type. */
  types: Map<string, number>;
}

/**
 * The five KPIs of the period `[from, to)`, read from Postgres, and the exception alert as of `to`.
 *
 * - processing time: mean of waybill time minus paid time (placement time for cash on delivery)
 *   of the orders waybilled in the period;
 * - exception rate: orders that became exceptions (needed manual handling) in the period over
 *   the orders received in it;
 * - inventory accuracy: SKUs whose sellable count (on hand minus the reserved counter) equals the
 *   stock really available (on hand minus held reservations), as of now;
 * - complaint rate: orders with an after-sales ticket flagged as a complaint, opened in the
 *   period, over the orders received in it;
 * - reconciliation difference: the difference rate of `ordersurge reconcile report` for the
 *   period (abs(receivable - settled) / sales); null until a settlement of the period is imported.
 *
 * Whole settled hours come from the rollups of migration 0010 (filled on first need), the rest
 * is read live through its indexes: see `activityBetween`.
 *
 * @example
 * const report = await readKpis(db, { from: new Date('2026-11-11T00:00:00+08:00'), to: new Date() });
 */
export async function readKpis(db: Db, period: { from: Date; to: Date }, rule: ExceptionAlertRule = DEFAULT_EXCEPTION_ALERT): Promise<KpiReport> {
  const { from, to } = period;
  const [activity, inventory, alert, complaints, reconciliation] = await Promise.all([
    activityBetween(db, from, to),
    inventoryAccuracy(db),
    readExceptionAlert(db, to, rule),
    complaintOrders(db, from, to),
    reconciliationDifference(db, from, to),
  ]);
  return {
    from,
    to,
    kpis: [
      kpi(
        'processing_time',
        activity.waybilled === 0 ? null : activity.processingSeconds / activity.waybilled,
        activity.waybilled === 0 ? 'no order waybilled in the period' : `${activity.waybilled} orders waybilled, paid -> waybill`,
      ),
      kpi(
        'exception_rate',
        activity.orders === 0 ? null : activity.exceptions / activity.orders,
        activity.orders === 0 ? 'no order received in the period' : `${activity.exceptions} orders needed manual handling, ${activity.orders} received`,
      ),
      kpi(
        'inventory_accuracy',
        inventory.skus === 0 ? null : inventory.accurate / inventory.skus,
        inventory.skus === 0
          ? 'no stock recorded'
          : `${inventory.accurate} of ${inventory.skus} SKUs: reserved counter equals held reservations, as of now; platforms' listed counts are not synced yet`,
      ),
      kpi(
        'complaint_rate',
        activity.orders === 0 ? null : complaints / activity.orders,
        activity.orders === 0 ? 'no order received in the period' : `${complaints} orders with a complaint ticket, ${activity.orders} received`,
      ),
      kpi('reconciliation_difference', reconciliation.rate, reconciliation.note),
    ],
    alert: { firing: alert.firing, periods: alert.periods, topExceptions: alert.topExceptions },
  };
}

/** Orders with an after-sales ticket flagged as a complaint, opened in `[from, to)`. */
async function complaintOrders(db: Db, from: Date, to: Date): Promise<number> {
  const row = await db
    .selectFrom('aftersales_tickets')
    .select(sql<number>`count(distinct order_id)::int`.as('n'))
    .where('complaint', '=', true)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** The reconciliation report's difference rate for `[from, to)`, once a settlement of the period is imported. */
async function reconciliationDifference(db: Db, from: Date, to: Date): Promise<{ rate: number | null; note: string }> {
  const settled = await db.selectFrom('settlement_lines').select('txn_id').where('settled_at', '>=', from).where('settled_at', '<', to).limit(1).executeTakeFirst();
  if (!settled) return { rate: null, note: 'no settlement imported for the period (ordersurge reconcile import)' };
  const period = { from, to };
  const report = buildReport(period, undefined, await ordersWithSettlements(db, period), await settledWithoutOrder(db, period));
  return { rate: report.differenceRate, note: `${report.orders} orders, ${report.differences.length} differ from the settlements (ordersurge reconcile report)` };
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
  const window: PeriodCounts[] = [];
  let latest: Activity | undefined;
  for (let i = 0; i < w.count; i++) {
    const start = new Date(w.start.getTime() + i * rule.periodSeconds * 1000);
    const end = new Date(start.getTime() + rule.periodSeconds * 1000);
    latest = await activityBetween(db, start, end);
    window.push({ start, end, orders: latest.orders, exceptions: latest.exceptions });
  }
  return { ...decideExceptionAlert(window, rule), window, topExceptions: topTypes(latest!.types, 5) };
}

/** The `limit` most frequent types, most frequent first, then by name. */
export function topTypes(types: ReadonlyMap<string, number>, limit: number): Array<{ type: string; count: number }> {
  return [...types]
    .map(([type, count]) => ({ type, count }))
    .sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0))
    .slice(0, limit);
}

/**
 * What happened in `[from, to)`: the whole hours in it that ended at least `SETTLE` ago from the
 * hourly rollups (rolling up those not done yet), the partial hours at its edges and the hours
 * not settled yet live. Each live read is an index range scan of at most about an hour.
 */
export async function activityBetween(db: Db, from: Date, to: Date): Promise<Activity> {
  const { rows } = await sql<{ settled: Date }>`select date_trunc('hour', now() - ${SETTLE}::interval) as settled`.execute(db);
  const firstHour = new Date(Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS);
  const settledEnd = new Date(Math.min(Math.floor(to.getTime() / HOUR_MS) * HOUR_MS, rows[0]!.settled.getTime()));
  if (firstHour >= settledEnd) return liveActivity(db, from, to);
  await rollUpHours(db, firstHour, settledEnd);
  const parts = await Promise.all([
    rolledUpActivity(db, firstHour, settledEnd),
    ...(from < firstHour ? [liveActivity(db, from, firstHour)] : []),
    ...(settledEnd < to ? [liveActivity(db, settledEnd, to)] : []),
  ]);
  return parts.reduce(addActivity);
}

function addActivity(a: Activity, b: Activity): Activity {
  const types = new Map(a.types);
  for (const [type, n] of b.types) types.set(type, (types.get(type) ?? 0) + n);
  return { orders: a.orders + b.orders, exceptions: a.exceptions + b.exceptions, waybilled: a.waybilled + b.waybilled, processingSeconds: a.processingSeconds + b.processingSeconds, types };
}

/** The activity of `[from, to)` read from the tables themselves. */
async function liveActivity(db: Db, from: Date, to: Date): Promise<Activity> {
  const [totals, types] = await Promise.all([
    sql<{ orders: number; exceptions: number; waybilled: number; processing_seconds: number }>`
      select o.n as orders, e.n as exceptions, w.n as waybilled, w.s as processing_seconds
        from (select count(*)::int as n from orders where created_at >= ${from} and created_at < ${to}) o,
             (select count(distinct order_id)::int as n from order_events where type = 'exception' and at >= ${from} and at < ${to}) e,
             (select count(*)::int as n, coalesce(sum(extract(epoch from s.waybilled_at - coalesce(o.paid_at, o.placed_at))), 0)::float8 as s
                from shipments s join shipment_orders so on so.shipment_id = s.id join orders o on o.id = so.order_id
               where s.waybilled_at >= ${from} and s.waybilled_at < ${to}) w`.execute(db),
    sql<{ type: string; n: number }>`
      select coalesce(detail->>'type', 'unknown') as type, count(distinct order_id)::int as n
        from order_events where type = 'exception' and at >= ${from} and at < ${to} group by 1`.execute(db),
  ]);
  const t = totals.rows[0]!;
  return { orders: t.orders, exceptions: t.exceptions, waybilled: t.waybilled, processingSeconds: t.processing_seconds, types: new Map(types.rows.map((r) => [r.type, r.n])) };
}

/** The activity of the whole hours `[from, to)` summed from the rollups. */
async function rolledUpActivity(db: Db, from: Date, to: Date): Promise<Activity> {
  const [totals, types] = await Promise.all([
    sql<{ orders: number; exceptions: number; waybilled: number; processing_seconds: number }>`
      select coalesce(sum(orders), 0)::int as orders, coalesce(sum(exceptions), 0)::int as exceptions,
             coalesce(sum(waybilled), 0)::int as waybilled, coalesce(sum(processing_seconds), 0)::float8 as processing_seconds
        from kpi_hours where hour >= ${from} and hour < ${to}`.execute(db),
    sql<{ type: string; n: number }>`
      select type, sum(orders)::int as n from kpi_exception_hours where hour >= ${from} and hour < ${to} group by type`.execute(db),
  ]);
  const t = totals.rows[0]!;
  return { orders: t.orders, exceptions: t.exceptions, waybilled: t.waybilled, processingSeconds: t.processing_seconds, types: new Map(types.rows.map((r) => [r.type, r.n])) };
}

/**
 * Rolls up every settled hour of `[from, to)` not rolled up yet, from the first order on, in one
 * statement; processes racing each other write the same rows once (`on conflict do nothing`).
 */
async function rollUpHours(db: Db, from: Date, to: Date): Promise<void> {
  await sql`
    with missing as (
      select h from generate_series(${from}::timestamptz, ${to}::timestamptz - interval '1 hour', interval '1 hour') h
       where h >= (select date_trunc('hour', min(created_at)) from orders)
         and h + interval '1 hour' <= now() - ${SETTLE}::interval
         and not exists (select 1 from kpi_hours k where k.hour = h)
    ), types as (
      insert into kpi_exception_hours (hour, type, orders)
      select m.h, coalesce(e.detail->>'type', 'unknown'), count(distinct e.order_id)::int
        from missing m join order_events e on e.type = 'exception' and e.at >= m.h and e.at < m.h + interval '1 hour'
       group by 1, 2
      on conflict do nothing
    )
    insert into kpi_hours (hour, orders, exceptions, waybilled, processing_seconds)
    select m.h, o.n, e.n, w.n, w.s
      from missing m
      cross join lateral (select count(*)::int as n from orders where created_at >= m.h and created_at < m.h + interval '1 hour') o
      cross join lateral (select count(distinct order_id)::int as n from order_events where type = 'exception' and at >= m.h and at < m.h + interval '1 hour') e
      cross join lateral (
        select count(*)::int as n, coalesce(sum(extract(epoch from s.waybilled_at - coalesce(o.paid_at, o.placed_at))), 0)::float8 as s
          from shipments s join shipment_orders so on so.shipment_id = s.id join orders o on o.id = so.order_id
         where s.waybilled_at >= m.h and s.waybilled_at < m.h + interval '1 hour') w
    on conflict do nothing`.execute(db);
}

/** Paid (placed for cash on delivery) to waybill, in seconds, of each order waybilled in `[from, to)`. */
export async function processingTimesBetween(db: Db, from: Date, to: Date): Promise<number[]> {
  const { rows } = await sql<{ seconds: number }>`
    select extract(epoch from s.waybilled_at - coalesce(o.paid_at, o.placed_at))::float8 as seconds
      from shipments s join shipment_orders so on so.shipment_id = s.id join orders o on o.id = so.order_id
     where s.waybilled_at >= ${from} and s.waybilled_at < ${to}`.execute(db);
  return rows.map((r) => r.seconds);
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
