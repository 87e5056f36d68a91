import { sql } from 'kysely';
import type { Db } from '../../sql/database.ts';
import type { Outcomes } from '../bench/count-outcomes.ts';

/** What the carrier and SMS simulators had recorded, from their own `/stats`. */
export interface SimulatorRecords {
  issued: number;
  voided: number;
  byTemplate: Record<string, number>;
}

/** Reads the simulators' own records. */
export async function readSimulatorRecords(carrierUrl: string, smsUrl: string): Promise<SimulatorRecords> {
  const [carrier, sms] = await Promise.all([
    fetch(`${carrierUrl}/stats`).then((r) => r.json() as Promise<{ issued: number; voided: number }>),
    fetch(`${smsUrl}/stats`).then((r) => r.json() as Promise<{ byTemplate: Record<string, number> }>),
  ]);
  return { issued: carrier.issued, voided: carrier.voided, byTemplate: sms.byTemplate };
}

/**
 * `countOutcomes` for a run on a cluster that holds other orders too: Postgres is read for this
 * run's orders only, the simulators' records as their growth since `before` (other traffic on the
 * same simulators during the run would count as this run's), oversold over every stock row.
 * Against a real carrier and SMS gateway (no `/stats`), `before` is undefined and only
 * Postgres is counted.
 */
export async function countRunOutcomes(db: Db, orderIds: readonly string[], carrierUrl: string, smsUrl: string, before: SimulatorRecords | undefined): Promise<Outcomes> {
  const ids = [...orderIds];
  const [counts, after] = await Promise.all([
    sql<{ notified: number; notified_orders: number; reminders: number; points: number; exceptions: number; shipments: number; reserved_lines: number; lines: number; held_cancelled: number; oversold: number }>`
      with run as (select unnest(${ids}::text[]) as id)
      select (select count(*)::int from notifications n join run on run.id = n.order_id where n.kind = 'being_packed') as notified,
             (select count(distinct n.order_id)::int from notifications n join run on run.id = n.order_id where n.kind = 'being_packed') as notified_orders,
             (select count(*)::int from notifications n join run on run.id = n.order_id where n.kind = 'review_reminder') as reminders,
             (select count(*)::int from loyalty_points p join run on run.id = p.order_id) as points,
             (select count(*)::int from orders o join run on run.id = o.id where o.status = 'exception') as exceptions,
             (select count(distinct s.id)::int from shipments s join shipment_orders so on so.shipment_id = s.id join run on run.id = so.order_id where s.waybill_no is not null and s.interception is distinct from 'voided') as shipments,
             (select count(*)::int from reservations r join run on run.id = r.order_id where r.status = 'held') as reserved_lines,
             (select count(*)::int from order_lines l join orders o on o.id = l.order_id join run on run.id = o.id where o.status in ('routed', 'picking', 'waybilled', 'notified', 'exception')) as lines,
             (select count(*)::int from reservations r join orders o on o.id = r.order_id join run on run.id = o.id where r.status = 'held' and o.status = 'cancelled') as held_cancelled,
             (select coalesce(sum(greatest(reserved - on_hand, 0)), 0)::int from inventory) as oversold`.execute(db),
    before ? readSimulatorRecords(carrierUrl, smsUrl) : undefined,
  ]);
  const c = counts.rows[0]!;
  const over = (have: number, want: number): number => Math.max(0, have - want);
  const sent = (template: string): number => (after && before ? (after.byTemplate[template] ?? 0) - (before.byTemplate[template] ?? 0) : 0);
  const duplicated =
    over(sent('being_packed'), c.notified_orders) +
    over(sent('review_reminder'), c.notified_orders) +
    over(c.notified, c.notified_orders) +
    over(c.reminders, c.notified_orders) +
    over(c.points, c.notified_orders) +
    over(after && before ? after.issued - after.voided - (before.issued - before.voided) : 0, c.shipments) +
    over(c.reserved_lines, c.lines) +
    // A cancelled order's reservation still held: stock kept for a sale that is gone.
    c.held_cancelled;
  return { notified: c.notified, reminders: c.reminders, points: c.points, exceptions: c.exceptions, duplicated, oversold: c.oversold };
}
