import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { processPiiKeyring } from '../streams/pii/keyring.ts';
import { openPii } from '../streams/pii/sealed-value.ts';
import { submitPayload } from '../streams/submit.ts';
import type { StageName } from '../streams/pipeline.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

/** A shop order and its later versions: Shopify's updated_at is the version. */
function versions(id: number) {
  const base = { ...generateShopOrder(id, new Date('2026-11-11T00:00:00+08:00')), id, line_items: [{ id: id * 10, sku: 'TEA-LJ-250', title: '龙井', quantity: 2, price: '199.00', total_discount: '0.00' }] };
  Object.assign(base, { total_line_items_price: '398.00', total_discounts: '0.00', discount_codes: [], shipping_lines: [{ price: '0.00' }], total_price: '398.00' });
  return {
    original: base,
    cancelled: { ...base, updated_at: '2026-11-11T00:10:00+08:00', cancelled_at: '2026-11-11T00:10:00+08:00', financial_status: 'voided' },
    readdressed: {
      ...base,
      updated_at: '2026-11-11T00:05:00+08:00',
      shipping_address: { ...((base as Record<string, unknown>).shipping_address as object), address1: '改到 星湖街 328 号' },
    },
  };
}

describe('updates of known orders', () => {
  let p: TestPipeline;
  const encoder = new TextEncoder();
  const submit = (payload: object) => submitPayload(p.bus.js, p.names, 'shop', encoder.encode(JSON.stringify(payload)));
  const row = (id: number) => p.db.selectFrom('orders').selectAll().where('id', '=', `shop:${id}`).executeTakeFirst();
  const waitFor = (id: number, status: string) =>
    eventually(async () => ((await row(id))?.status === status ? true : undefined), 20_000, `shop:${id} ${status}`);
  const reserved = async () => Number((await p.db.selectFrom('inventory').select(sql<number>`sum(reserved)`.as('n')).executeTakeFirstOrThrow()).n ?? 0);
  const start = (stages: StageName[]) => p.startWorkers(stages);

  beforeAll(async () => {
    p = await createTestPipeline();
    await setStock(p.db, 'TEA-LJ-250', 'suzhou', 100);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('applies an update that arrives before its original, and ignores and counts the original', async () => {
    await start(['ingest', 'dedupe']);
    const o = versions(201);
    await submit(o.readdressed);
    await waitFor(201, 'received');
    await submit(o.original);
    await eventually(async () => ((await row(201))?.stale_updates === 1 ? true : undefined), 10_000, 'the stale original counted');
    // Stored sealed (the shown detail masked): the new address is what opens.
    const address = (await row(201))!.address;
    expect(address.detail).toBe('改到 星********');
    expect(openPii(address.contact!.detail, processPiiKeyring())).toContain('改到 星湖街 328 号');
  });

  it('stops a cancelled order wherever it is before the waybill, and releases its stock', async () => {
    // Stage by stage, so each order sits where the cancel catches it.
    const atReceived = versions(301);
    await submit(atReceived.original);
    await waitFor(301, 'received');
    await submit(atReceived.cancelled);
    await waitFor(301, 'cancelled');

    await start(['pricing']);
    const atPriced = versions(302);
    await submit(atPriced.original);
    await waitFor(302, 'priced');
    await submit(atPriced.cancelled);
    await waitFor(302, 'cancelled');

    await start(['routing']);
    await waitFor(201, 'routed'); // the first test's order, released to the stages now running
    const before = await reserved();
    const atRouted = versions(303);
    await submit(atRouted.original);
    await waitFor(303, 'routed');
    expect(await reserved()).toBe(before + 2);
    await submit(atRouted.cancelled);
    await waitFor(303, 'cancelled');
    expect(await reserved()).toBe(before);
    const released = await p.db.selectFrom('reservations').select('status').where('order_id', '=', 'shop:303').execute();
    expect(released).toEqual([{ status: 'released' }]);

    // Once the later stages run, none of the cancelled orders reaches the carrier.
    await start(['pick', 'waybill', 'notify']);
    const shipped = versions(304);
    await submit(shipped.original);
    await waitFor(304, 'notified');
    for (const id of [301, 302, 303]) expect((await row(id))?.status).toBe('cancelled');
    await waitFor(201, 'notified');
    const carrier = (await (await fetch(`${p.carrier.url}/stats`)).json()) as { issued: number };
    expect(carrier.issued).toBe(2); // 201 and 304
    expect(await reserved()).toBe(before + 2);
  });

  it('intercepts the parcel of an order cancelled after its waybill, and makes an address change after it an exception for an operator', async () => {
    const carrierStats = async () => (await (await fetch(`${p.carrier.url}/stats`)).json()) as { voided: number };
    const voidedBefore = (await carrierStats()).voided;
    const stockBefore = await reserved();
    const cancelLate = versions(401);
    await submit(cancelLate.original);
    await waitFor(401, 'notified');
    expect(await reserved()).toBe(stockBefore + 2);
    await submit(cancelLate.cancelled);
    await waitFor(401, 'cancelled');
    // The carrier voids the waybill, the stock is free again, and the order's history says so.
    await eventually(async () => ((await p.db.selectFrom('order_events').select('type').where('order_id', '=', 'shop:401').where('type', '=', 'intercepted').executeTakeFirst()) ? true : undefined), 10_000, 'shop:401 intercepted');
    expect((await carrierStats()).voided).toBe(voidedBefore + 1);
    expect(await reserved()).toBe(stockBefore);
    expect(await p.db.selectFrom('shipments').select('interception').where('order_id', '=', 'shop:401').executeTakeFirstOrThrow()).toEqual({ interception: 'voided' });

    const moveLate = versions(402);
    await submit(moveLate.original);
    await waitFor(402, 'notified');
    await submit(moveLate.readdressed);
    await waitFor(402, 'exception');
    const moved = await row(402);
    expect(moved?.exception_type).toBe('address_change_after_waybill');
    // The new address masked, as every view shows it: no street in clear in an event.
    expect(moved?.exception_detail).toContain('改到 星********');
    expect(moved?.exception_detail).not.toContain('星湖街');
  });

  it('voids a waybill obtained for an order cancelled while the carrier was answering', async () => {
    const voidedBefore = ((await (await fetch(`${p.carrier.url}/stats`)).json()) as { voided: number }).voided;
    p.carrierFaults.latencyMs = 1500;
    try {
      const racing = versions(501);
      await submit(racing.original);
      await waitFor(501, 'picking');
      await submit(racing.cancelled);
      await waitFor(501, 'cancelled');
      await eventually(async () => {
        const stats = (await (await fetch(`${p.carrier.url}/stats`)).json()) as { voided: number };
        return stats.voided === voidedBefore + 1 ? true : undefined;
      }, 10_000, 'the waybill voided');
      const shipment = await p.db.selectFrom('shipments').select('waybill_no').where('order_id', '=', 'shop:501').executeTakeFirstOrThrow();
      expect(shipment.waybill_no).toBeNull();
    } finally {
      p.carrierFaults.latencyMs = 0;
    }
  });

  it('asks for a new waybill, and voids the old one, when the address changes while the carrier is answering', async () => {
    const carrierStats = async () => (await (await fetch(`${p.carrier.url}/stats`)).json()) as { issued: number; voided: number };
    const before = await carrierStats();
    p.carrierFaults.latencyMs = 1500;
    try {
      const racing = versions(502);
      await submit(racing.original);
      await waitFor(502, 'picking');
      await submit(racing.readdressed);
      // Waybilled (and maybe notified already): its shipment holds a number.
      await eventually(async () => ((await p.db.selectFrom('shipments').select('waybill_no').where('order_id', '=', 'shop:502').executeTakeFirst())?.waybill_no ?? undefined), 20_000, 'shop:502 waybilled');
    } finally {
      p.carrierFaults.latencyMs = 0;
    }
    const after = await carrierStats();
    // Two numbers: one printed with the old address (voided), one with the new.
    expect({ issued: after.issued - before.issued, voided: after.voided - before.voided }).toEqual({ issued: 2, voided: 1 });
    const shipment = await p.db.selectFrom('shipments').select('waybill_no').where('order_id', '=', 'shop:502').executeTakeFirstOrThrow();
    const printed = (await (await fetch(`${p.carrier.url}/waybills/${shipment.waybill_no}`)).json()) as { voided: boolean; request: { address: unknown } };
    expect(printed.voided).toBe(false);
    expect(JSON.stringify(printed.request.address)).toContain('星湖街');
  });

  it('makes a cancel after the courier collected the parcel an exception for an operator', async () => {
    const late = versions(403);
    await submit(late.original);
    await waitFor(403, 'notified');
    const { waybill_no: waybillNo } = await p.db.selectFrom('shipments').select('waybill_no').where('order_id', '=', 'shop:403').executeTakeFirstOrThrow();
    await fetch(`${p.carrier.url}/admin/pickup`, { method: 'POST', body: JSON.stringify({ waybillNo }) });
    await submit(late.cancelled);
    await waitFor(403, 'exception');
    const order = await row(403);
    expect(order?.exception_type).toBe('cancel_after_waybill');
    expect(order?.exception_detail).toContain('collected the parcel');
    expect(await p.db.selectFrom('shipments').select('interception').where('order_id', '=', 'shop:403').executeTakeFirstOrThrow()).toEqual({ interception: 'refused' });
  });
});
