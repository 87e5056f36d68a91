import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStock } from '../sql/queries/inventory.ts';
import { stockDrift } from '../sql/queries/stock-ledger.ts';
import { submitPayload } from '../streams/submit.ts';
import { shopOrderVersions as shopOrder } from './fixtures/shop-order-versions.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

describe('fulfilment: pick instruction, e-waybill, SMS', () => {
  let p: TestPipeline;
  const encoder = new TextEncoder();
  const submit = (payload: object) => submitPayload(p.bus.js, p.names, 'shop', encoder.encode(JSON.stringify(payload)));
  const statusOf = async (id: number) => (await p.db.selectFrom('orders').select('status').where('id', '=', `shop:${id}`).executeTakeFirst())?.status;
  const waitFor = (id: number, status: string) => eventually(async () => ((await statusOf(id)) === status ? true : undefined), 20_000, `shop:${id} ${status}`);
  const shipmentOf = (id: number) => p.db.selectFrom('shipments').selectAll().where('order_id', '=', `shop:${id}`).executeTakeFirstOrThrow();
  const task = async (taskId: string) => (await (await fetch(`${p.wms.url}/pick-tasks/${taskId}`)).json()) as { status: string; lines: { sku: string; qty: number }[] };
  const stock = (sku: string) => p.db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', sku).where('warehouse', '=', 'suzhou').executeTakeFirstOrThrow();

  beforeAll(async () => {
    p = await createTestPipeline();
    for (const sku of ['FUL-A', 'FUL-B', 'FUL-C']) await setStock(p.db, sku, 'suzhou', 10);
    await p.startWorkers();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('picks before the waybill, and a parcel the WMS confirms shipped takes its units off on hand exactly once', async () => {
    await submit(shopOrder(801, 'FUL-A').original);
    await waitFor(801, 'notified');
    const events = await p.db.selectFrom('order_events').select('type').where('order_id', '=', 'shop:801').orderBy('id').execute();
    expect(events.map((e) => e.type).filter((t) => ['routed', 'picking', 'waybilled', 'notified'].includes(t))).toEqual(['routed', 'picking', 'waybilled', 'notified']);
    const shipment = await shipmentOf(801);
    expect(shipment.pick_status).toBe('open');
    expect(await task(shipment.pick_task_id!)).toMatchObject({ status: 'open', lines: [{ sku: 'FUL-A', qty: 2 }] });
    expect(await stock('FUL-A')).toEqual({ on_hand: 10, reserved: 2 });

    await fetch(`${p.wms.url}/admin/ship`, { method: 'POST', body: JSON.stringify({ shipmentId: shipment.id }) });
    await eventually(async () => ((await shipmentOf(801)).pick_status === 'shipped' ? true : undefined), 10_000, 'shipment confirmed shipped');
    expect(await stock('FUL-A')).toEqual({ on_hand: 8, reserved: 0 });
    expect(await p.db.selectFrom('reservations').select('status').where('order_id', '=', 'shop:801').execute()).toEqual([{ status: 'shipped' }]);

    // The feed read again from its start (a lost cursor, a second worker): nothing changes twice.
    await p.db.deleteFrom('wms_feed_cursors').execute();
    await eventually(async () => ((await p.db.selectFrom('wms_feed_cursors').select('seq').executeTakeFirst())?.seq === 1 ? true : undefined), 10_000, 'feed read again');
    expect(await stock('FUL-A')).toEqual({ on_hand: 8, reserved: 0 });
    expect(await stockDrift(p.db)).toEqual([]);
  });

  it('cancels the pick task of an order cancelled after its pick and before its waybill, and it never keeps a waybill', async () => {
    p.carrierFaults.latencyMs = 2000;
    try {
      const order = shopOrder(802, 'FUL-B');
      await submit(order.original);
      await waitFor(802, 'picking');
      await submit(order.cancelled);
      await waitFor(802, 'cancelled');
      await eventually(async () => ((await shipmentOf(802)).pick_status === 'cancelled' ? true : undefined), 10_000, 'pick task cancelled');
    } finally {
      p.carrierFaults.latencyMs = 0;
    }
    const shipment = await shipmentOf(802);
    expect(await task(shipment.pick_task_id!)).toMatchObject({ status: 'cancelled' });
    // The carrier's answer came after the cancel: its number is voided, not kept.
    await eventually(async () => ((await (await fetch(`${p.carrier.url}/stats`)).json()) as { voided: number }).voided >= 1 || undefined, 10_000, 'the waybill voided');
    expect((await shipmentOf(802)).waybill_no).toBeNull();
    expect(await stock('FUL-B')).toEqual({ on_hand: 10, reserved: 0 });
    const events = await p.db.selectFrom('order_events').select('type').where('order_id', '=', 'shop:802').execute();
    expect(events.map((e) => e.type)).toContain('pick_cancelled');
  });

  it('cancels the pick task and voids the waybill of an order cancelled after its waybill, before pick-up', async () => {
    const order = shopOrder(803, 'FUL-C');
    await submit(order.original);
    await waitFor(803, 'notified');
    await submit(order.cancelled);
    await waitFor(803, 'cancelled');
    await eventually(async () => {
      const s = await shipmentOf(803);
      return s.pick_status === 'cancelled' && s.interception === 'voided' ? true : undefined;
    }, 10_000, 'pick task cancelled and waybill voided');
    const shipment = await shipmentOf(803);
    expect(await task(shipment.pick_task_id!)).toMatchObject({ status: 'cancelled' });
    expect(await (await fetch(`${p.carrier.url}/waybills/${shipment.waybill_no}`)).json()).toMatchObject({ voided: true });
    expect(await stock('FUL-C')).toEqual({ on_hand: 10, reserved: 0 });
  });
});
