import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../sql/database.ts';
import { readExceptionAlert, readKpis } from '../sql/queries/kpis.ts';
import { createOwnDatabase, type OwnDatabase } from './own-database.ts';

// The fixture: the China-time day 2026-11-11 is [2026-11-10T16:00Z, 2026-11-11T16:00Z).
const DAY = { from: new Date('2026-11-10T16:00:00Z'), to: new Date('2026-11-11T16:00:00Z') };

let db: Db;
let own: OwnDatabase | undefined;

beforeAll(async () => {
  own = await createOwnDatabase('kpi');
  db = own.db;
  await loadFixture(db);
});

afterAll(() => own?.drop());

async function order(id: string, placedAt: string, paidAt: string | null, status = 'notified'): Promise<void> {
  await db
    .insertInto('orders')
    .values({ id, channel: 'shop', external_id: id, status: status as 'notified', channel_status: 'paid', refund_status: 'none', version: 1, placed_at: placedAt, paid_at: paidAt, channel_updated_at: placedAt, buyer: '', address: '{}', payment_method: paidAt ? 'online' : 'cod', goods_fen: 100, discount_fen: 0, shipping_fen: 0, paid_fen: 100, coupons: '[]', buyer_message: '', seller_memo: '', raw: '{}', created_at: new Date(placedAt) })
    .execute();
}

async function exception(orderId: string, key: string, type: string, at: string): Promise<void> {
  await db.insertInto('order_events').values({ order_id: orderId, key, type: 'exception', at: new Date(at), detail: JSON.stringify({ type, detail: 'fixture' }) }).execute();
}

async function shipment(id: string, orderIds: string[], waybilledAt: string | null): Promise<void> {
  await db.insertInto('shipments').values({ id, order_id: orderIds[0]!, warehouse: 'suzhou', waybill_no: waybilledAt ? `W${id}` : null, carrier: waybilledAt ? 'sim' : null, waybilled_at: waybilledAt }).execute();
  await db.insertInto('shipment_orders').values(orderIds.map((o) => ({ shipment_id: id, order_id: o }))).execute();
}

/** Hand-computed expectations are in the tests below; every row here is counted or left out on purpose. */
async function loadFixture(db: Db): Promise<void> {
  // Ten orders received on the day, one just before it, one at its (exclusive) end.
  for (let i = 1; i <= 10; i++) await order(`A${i}`, `2026-11-11T0${i - 1}:00:00Z`, `2026-11-11T0${i - 1}:00:00Z`);
  await order('B1', '2026-11-10T15:59:59Z', '2026-11-10T15:59:59Z');
  await order('B2', '2026-11-11T16:00:00Z', '2026-11-11T16:00:00Z');
  await order('C1', '2026-11-11T05:00:00Z', null); // cash on delivery: processing time counts from placement

  // Exceptions raised on the day: A1, A2 backorder; A3 payment_mismatch; A4 a dead letter since
  // replayed (still counted: it needed handling); A5 backorder. Not on the day: A5's second
  // exception (the next day), B1's (just before), B2's (at the end).
  await exception('A1', 'exception', 'backorder', '2026-11-11T00:01:00Z');
  await exception('A2', 'exception', 'backorder', '2026-11-11T01:01:00Z');
  await exception('A3', 'exception', 'payment_mismatch', '2026-11-11T02:01:00Z');
  await exception('A4', 'exception', 'dead_letter', '2026-11-11T03:01:00Z');
  await exception('A5', 'exception', 'backorder', '2026-11-11T04:01:00Z');
  await exception('A5', 'exception:v2', 'cancel_after_waybill', '2026-11-12T04:01:00Z');
  await exception('B1', 'exception', 'backorder', '2026-11-10T15:59:59.500Z');
  await exception('B2', 'exception', 'bad_address', '2026-11-11T16:00:30Z');
  await db.updateTable('orders').set({ status: 'exception', exception_type: 'backorder' }).where('id', 'in', ['A1', 'A2', 'A5', 'B1']).execute();

  // Waybilled on the day: A6 paid 05:00 -> 06:00 (3,600 s); A7 (paid 06:00) and A8 (07:00) merged,
  // waybilled 09:00 (10,800 s and 7,200 s); C1 placed 05:00, cash on delivery -> 05:30 (1,800 s).
  // Left out: A9 waybilled at the day's end, A10 with no waybill yet.
  await shipment('S1', ['A6'], '2026-11-11T06:00:00Z');
  await shipment('S2', ['A7', 'A8'], '2026-11-11T09:00:00Z');
  await shipment('S3', ['C1'], '2026-11-11T05:30:00Z');
  await shipment('S4', ['A9'], '2026-11-11T16:00:00Z');
  await shipment('S5', ['A10'], null);

  // Stock: X right (3 reserved, 2 + 1 held); Y wrong (counter 2, one held unit; a released one does
  // not count); Z right in both warehouses. So 2 of 3 SKUs are accurate.
  await sql`insert into warehouses (code, name, province_code) values ('wuhan', '武汉仓', '420000') on conflict do nothing`.execute(db);
  await db
    .insertInto('inventory')
    .values([
      { sku: 'X', warehouse: 'suzhou', on_hand: 10 },
      { sku: 'Y', warehouse: 'suzhou', on_hand: 5 },
      { sku: 'Z', warehouse: 'suzhou', on_hand: 5 },
      { sku: 'Z', warehouse: 'wuhan', on_hand: 5 },
    ])
    .execute();
  await db
    .insertInto('reservations')
    .values([
      { order_id: 'A6', line_id: '1', sku: 'X', warehouse: 'suzhou', qty: 2, status: 'held' },
      { order_id: 'A7', line_id: '1', sku: 'X', warehouse: 'suzhou', qty: 1, status: 'held' },
      { order_id: 'A8', line_id: '1', sku: 'Y', warehouse: 'suzhou', qty: 1, status: 'held' },
      { order_id: 'A9', line_id: '1', sku: 'Y', warehouse: 'suzhou', qty: 1, status: 'released' },
      { order_id: 'A9', line_id: '2', sku: 'Z', warehouse: 'wuhan', qty: 1, status: 'held' },
    ])
    .execute();
  // Set the counters last: a ledger trigger, where there is one, moves them on insert.
  for (const [sku, warehouse, reserved] of [['X', 'suzhou', 3], ['Y', 'suzhou', 2], ['Z', 'suzhou', 0], ['Z', 'wuhan', 1]] as const) {
    await db.updateTable('inventory').set({ reserved }).where('sku', '=', sku).where('warehouse', '=', warehouse).execute();
  }
}

describe('readKpis', () => {
  it('computes each KPI of a day from the fixture as by hand', async () => {
    const report = await readKpis(db, DAY);
    const byName = new Map(report.kpis.map((k) => [k.name, k]));
    expect(report.kpis.map((k) => k.name)).toEqual(['processing_time', 'exception_rate', 'inventory_accuracy', 'complaint_rate', 'reconciliation_difference']);
    // (3,600 + 10,800 + 7,200 + 1,800) / 4 = 5,850 s, within 2 h.
    expect(byName.get('processing_time')).toMatchObject({ value: 5850, unit: 'seconds', limit: '<= 2 h', healthy: true });
    // A1..A5 of the 11 orders received on the day (A1..A10, C1).
    expect(byName.get('exception_rate')).toMatchObject({ value: 5 / 11, unit: 'ratio', limit: '< 8%', healthy: false });
    expect(byName.get('inventory_accuracy')).toMatchObject({ value: 2 / 3, unit: 'ratio', limit: '>= 99.2%', healthy: false });
    // No complaint ticket among the day's orders; no settlement imported for the day.
    expect(byName.get('complaint_rate')).toMatchObject({ value: 0, healthy: true, note: '0 orders with a complaint ticket, 11 received' });
    expect(byName.get('reconciliation_difference')).toMatchObject({ value: null, healthy: null, note: 'no settlement imported for the period (ordersurge reconcile import)' });
  });

  it('says so instead of a number for a period without orders', async () => {
    const report = await readKpis(db, { from: new Date('2020-01-01T00:00:00Z'), to: new Date('2020-01-02T00:00:00Z') });
    const byName = new Map(report.kpis.map((k) => [k.name, k]));
    expect(byName.get('processing_time')).toMatchObject({ value: null, healthy: null, note: 'no order waybilled in the period' });
    expect(byName.get('exception_rate')).toMatchObject({ value: null, healthy: null, note: 'no order received in the period' });
  });
});

describe('rollups', () => {
  it('sum whole hours and read the partial hours at the edges live, to the same figures', async () => {
    // [00:30, 05:45): received A2..A6 and C1 (6); exceptions A2..A5 (4); waybilled C1 at 05:30 (1,800 s).
    // Hours 01:00-05:00 come from the rollups, 00:30-01:00 and 05:00-05:45 live.
    const report = await readKpis(db, { from: new Date('2026-11-11T00:30:00Z'), to: new Date('2026-11-11T05:45:00Z') });
    const byName = new Map(report.kpis.map((k) => [k.name, k.value]));
    expect(byName.get('exception_rate')).toBe(4 / 6);
    expect(byName.get('processing_time')).toBe(1800);
    const hours = await sql<{ n: number }>`select count(*)::int as n from kpi_hours where hour >= '2026-11-11T01:00:00Z' and hour < '2026-11-11T05:00:00Z'`.execute(db);
    expect(hours.rows[0]!.n).toBe(4);
  });

  it('give the same report on a second read, from the rollups alone', async () => {
    const first = await readKpis(db, DAY);
    const hours = await sql<{ n: number }>`select count(*)::int as n from kpi_hours where hour >= ${DAY.from} and hour < ${DAY.to}`.execute(db);
    expect(hours.rows[0]!.n).toBe(24);
    // A rollup is what the second read sees: change one and the report follows.
    expect(await readKpis(db, DAY)).toEqual(first);
    await sql`update kpi_hours set orders = orders + 11 where hour = '2026-11-11T00:00:00Z'`.execute(db);
    const changed = await readKpis(db, DAY);
    expect(changed.kpis.find((k) => k.name === 'exception_rate')?.value).toBe(5 / 22);
    await sql`update kpi_hours set orders = orders - 11 where hour = '2026-11-11T00:00:00Z'`.execute(db);
  });
});

describe('readExceptionAlert', () => {
  // As of 11:00 China time on 2026-11-12, the complete days are ..., 11-10 (B1: 1 of 1), 11-11 (5 of 11).
  const now = new Date('2026-11-12T03:00:00Z');

  it('fires with the second of two periods over the limit, naming the top exception types of the latest', async () => {
    const alert = await readExceptionAlert(db, now, { limit: 0.3, periods: 2, periodSeconds: 86_400 });
    expect(alert.window.map((p) => [p.orders, p.exceptions])).toEqual([[0, 0], [1, 1], [11, 5]]);
    expect(alert).toMatchObject({ firing: true, periods: 2, transition: 'fire' });
    expect(alert.topExceptions).toEqual([
      { type: 'backorder', count: 3 },
      { type: 'dead_letter', count: 1 },
      { type: 'payment_mismatch', count: 1 },
    ]);
  });

  it('does not fire when it needs one more period, nor when the latest period is under the limit', async () => {
    expect(await readExceptionAlert(db, now, { limit: 0.3, periods: 3, periodSeconds: 86_400 })).toMatchObject({ firing: false, periods: 2, transition: 'none' });
    expect(await readExceptionAlert(db, now, { limit: 0.5, periods: 1, periodSeconds: 86_400 })).toMatchObject({ firing: false, periods: 0, transition: 'clear' });
  });

  it('is reported by readKpis as of the end of its period', async () => {
    const report = await readKpis(db, { from: DAY.to, to: now }, { limit: 0.3, periods: 2, periodSeconds: 86_400 });
    expect(report.alert).toMatchObject({ firing: true, periods: 2 });
    expect(report.alert.topExceptions[0]).toEqual({ type: 'backorder', count: 3 });
  });
});
