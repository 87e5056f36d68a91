import { sql } from 'kysely';
import type { Db } from '../../sql/database.ts';

/** What a run left behind, counted from Postgres and the simulators' own records. */
export interface Outcomes {
  /** Orders notified (the "being packed" SMS recorded). */
  notified: number;
  /** Review reminders and loyalty awards recorded: the side steps after notify. */
  reminders: number;
  points: number;
  exceptions: number;
  /**
   * Anything done twice: an SMS of either template or a notification row beyond one per notified
   * order, a ledger row beyond one per order, a waybill the carrier issued and did not void beyond the shipments
   * holding one, a held reservation beyond the lines of the routed orders, or one still held
   * for a cancelled order (its release not done once).
   */
  duplicated: number;
  /** Units reserved beyond what is on hand, over every stock row. */
  oversold: number;
}

export async function countOutcomes(db: Db, carrierUrl: string, smsUrl: string): Promise<Outcomes> {
  const [counts, carrier, sms] = await Promise.all([
    sql<{ notified: number; notified_orders: number; reminders: number; points: number; exceptions: number; shipments: number; reserved_lines: number; lines: number; held_cancelled: number; oversold: number }>`
      select (select count(*)::int from notifications where kind = 'being_packed') as notified,
             (select count(distinct order_id)::int from notifications where kind = 'being_packed') as notified_orders,
             (select count(*)::int from notifications where kind = 'review_reminder') as reminders,
             (select count(*)::int from loyalty_points) as points,
             (select count(*)::int from orders where status = 'exception') as exceptions,
             (select count(*)::int from shipments where waybill_no is not null and interception is distinct from 'voided') as shipments,
             (select count(*)::int from reservations where status = 'held') as reserved_lines,
             (select count(*)::int from order_lines l join orders o on o.id = l.order_id where o.status in ('routed', 'picking', 'waybilled', 'notified', 'exception')) as lines,
             (select count(*)::int from reservations r join orders o on o.id = r.order_id where r.status = 'held' and o.status = 'cancelled') as held_cancelled,
             (select coalesce(sum(greatest(reserved - on_hand, 0)), 0)::int from inventory) as oversold`.execute(db),
    fetch(`${carrierUrl}/stats`).then((r) => r.json() as Promise<{ issued: number; voided: number }>),
    fetch(`${smsUrl}/stats`).then((r) => r.json() as Promise<{ byTemplate: Record<string, number> }>),
  ]);
  const c = counts.rows[0]!;
  const notifiedOrders = c.notified_orders;
  const over = (have: number, want: number): number => Math.max(0, have - want);
  const duplicated =
    over(sms.byTemplate.being_packed ?? 0, notifiedOrders) +
    over(sms.byTemplate.review_reminder ?? 0, notifiedOrders) +
    over(c.notified, notifiedOrders) +
    over(c.reminders, notifiedOrders) +
    over(c.points, notifiedOrders) +
    // A voided number (an intercepted parcel, one asked for an old address) is no waybill in use.
    over(carrier.issued - carrier.voided, c.shipments) +
    over(c.reserved_lines, c.lines) +
    // A cancelled order's reservation still held: stock kept for a sale that is gone.
    c.held_cancelled;
  return { notified: c.notified, reminders: c.reminders, points: c.points, exceptions: c.exceptions, duplicated, oversold: c.oversold };
}
