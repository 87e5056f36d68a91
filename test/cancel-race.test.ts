import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStock } from '../sql/queries/inventory.ts';
import { stockDrift } from '../sql/queries/stock-ledger.ts';
import { submitPayload } from '../streams/submit.ts';
import { shopOrderVersions as shopOrder } from './fixtures/shop-order-versions.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const ORDERS = 40;

describe('cancels racing routing, pick and waybill', () => {
  let p: TestPipeline;
  const encoder = new TextEncoder();
  const submit = (payload: object) => submitPayload(p.bus.js, p.names, 'shop', encoder.encode(JSON.stringify(payload)));

  beforeAll(async () => {
    p = await createTestPipeline();
    await setStock(p.db, 'RACE-A', 'suzhou', 1000);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('leaves no cancelled order a live waybill or pick task, and releases every reservation once', async () => {
    const deadlocks = async () => (await sql<{ n: number }>`select deadlocks::int as n from pg_stat_database where datname = current_database()`.execute(p.db)).rows[0]!.n;
    const deadlocksBefore = await deadlocks();
    // Slow outside services widen the windows a cancel can land in: during the pick call (the
    // order routed), during the carrier call (picking), after the waybill.
    p.wmsFaults.latencyMs = 300;
    p.carrierFaults.latencyMs = 500;
    await p.startWorkers();
    const ids = Array.from({ length: ORDERS }, (_, i) => 9000 + i);
    const cancelled = ids.filter((_, i) => i % 2 === 0);
    const live = ids.filter((_, i) => i % 2 === 1);
    // A quarter of the cancels go at once (they meet the order anywhere up to routing), the rest
    // as soon as their order is seen routed, picking, or notified.
    const cancelAt = new Map(cancelled.map((id, i) => [`shop:${id}`, [undefined, 'routed', 'picking', 'notified'][i % 4]]));
    const statuses = async () => new Map((await p.db.selectFrom('orders').select(['id', 'status']).where('id', 'in', ids.map((id) => `shop:${id}`)).execute()).map((r) => [r.id, r.status as string]));
    await Promise.all(ids.map((id) => submit(shopOrder(id, 'RACE-A').original)));
    const cancel = (orderId: string) => {
      cancelAt.delete(orderId);
      return submit(shopOrder(Number(orderId.slice('shop:'.length)), 'RACE-A').cancelled);
    };
    await Promise.all([...cancelAt].filter(([, at]) => at === undefined).map(([orderId]) => cancel(orderId)));
    const watchUntil = Date.now() + 60_000;
    while (cancelAt.size > 0 && Date.now() < watchUntil) {
      const now = await statuses();
      await Promise.all([...cancelAt].filter(([orderId, at]) => now.get(orderId) === at).map(([orderId]) => cancel(orderId)));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect([...cancelAt.keys()]).toEqual([]);
    await eventually(async () => {
      const now = await statuses();
      return cancelled.every((id) => now.get(`shop:${id}`) === 'cancelled') && live.every((id) => now.get(`shop:${id}`) === 'notified') ? true : undefined;
    }, 60_000, 'every order cancelled or notified');
    await eventually(async () => {
      const waiting = await p.db.selectFrom('shipments').select('id').where((eb) => eb.or([eb('pick_status', '=', 'cancel_requested'), eb('interception', '=', 'requested')])).execute();
      return waiting.length === 0 ? true : undefined;
    }, 30_000, 'every requested pick cancel and interception done');
    // A carrier or WMS answer still out when the cancel landed is voided or cancelled after it.
    await new Promise((r) => setTimeout(r, 2000));
    await eventually(async () => ((await p.db.selectFrom('shipments').select('id').where('pick_status', '=', 'cancel_requested').execute()).length === 0 ? true : undefined), 10_000, 'late pick cancels done');

    const cancelledIds = cancelled.map((id) => `shop:${id}`);
    // Every reservation of a cancelled order released, once; the counters agree with the rows.
    const rows = await p.db.selectFrom('reservations').select(['order_id', 'status']).where('order_id', 'in', cancelledIds).execute();
    expect(rows.filter((r) => r.status !== 'released')).toEqual([]);
    expect(await stockDrift(p.db)).toEqual([]);
    expect(await p.db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', 'RACE-A').executeTakeFirstOrThrow()).toEqual({ on_hand: 1000, reserved: 2 * live.length });

    // No live waybill and no open pick task for a cancelled order, at the simulators themselves.
    const shipments = await p.db.selectFrom('shipments').select(['id', 'order_id', 'waybill_no', 'interception', 'pick_task_id', 'pick_status']).where('order_id', 'in', cancelledIds).execute();
    // The race reached every step: cancels after the pick task and after the waybill.
    expect(shipments.filter((s) => s.pick_task_id !== null).length).toBeGreaterThanOrEqual(5);
    expect(shipments.filter((s) => s.waybill_no !== null).length).toBeGreaterThanOrEqual(3);
    for (const s of shipments) {
      if (s.waybill_no !== null) {
        expect([s.order_id, s.interception]).toEqual([s.order_id, 'voided']);
        expect(await (await fetch(`${p.carrier.url}/waybills/${s.waybill_no}`)).json()).toMatchObject({ voided: true });
      }
      if (s.pick_task_id !== null) expect([s.order_id, ((await (await fetch(`${p.wms.url}/pick-tasks/${s.pick_task_id}`)).json()) as { status: string }).status]).toEqual([s.order_id, 'cancelled']);
    }
    const carrier = (await (await fetch(`${p.carrier.url}/stats`)).json()) as { issued: number; voided: number };
    expect(carrier.issued - carrier.voided).toBe(live.length);
    const wms = (await (await fetch(`${p.wms.url}/stats`)).json()) as { open: number; tasks: number };
    expect(wms.open).toBe(live.length);
    expect((await p.bus.jsm.streams.info(p.names.deadLetterStream)).state.messages).toBe(0);
    expect(await deadlocks()).toBe(deadlocksBefore);
  }, 120_000);
});
