import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStock } from '../sql/queries/inventory.ts';
import { listDeadLetters } from '../streams/dead-letter.ts';
import { processPiiKeyring } from '../streams/pii/keyring.ts';
import { isSealedBody, openBody } from '../streams/pii/sealed-body.ts';
import { submitPayload } from '../streams/submit.ts';
import { DEMO_CATALOGUE, generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('the pipeline, end to end on real NATS and Postgres', () => {
  let p: TestPipeline;

  beforeAll(async () => {
    p = await createTestPipeline();
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 1000);
    await p.startWorkers();
  });
  afterAll(async () => {
    await p?.close();
  });

  const statusOf = async (id: string) =>
    (await p.db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirst())?.status;

  it('takes a shop payload to notified with one order, one reservation per line, one waybill and one SMS', async () => {
    const payload = generateShopOrder(1);
    await submitPayload(p.bus.js, p.names, 'shop', encode(payload));
    const id = `shop:${String(payload.id)}`;
    await eventually(async () => ((await statusOf(id)) === 'notified' ? true : undefined), 20_000, `${id} notified`);

    const orders = await p.db.selectFrom('orders').select(['id', 'paid_fen']).where('external_id', '=', String(payload.id)).execute();
    expect(orders).toEqual([{ id, paid_fen: 56500 }]);
    const lines = await p.db.selectFrom('order_lines').select('sku').where('order_id', '=', id).execute();
    const reservations = await p.db.selectFrom('reservations').select(['sku', 'qty']).where('order_id', '=', id).execute();
    expect(reservations).toHaveLength(lines.length);
    const stock = await p.db.selectFrom('inventory').select(['sku', 'reserved']).where('reserved', '>', 0).orderBy('sku').execute();
    expect(stock).toEqual([
      { sku: 'CUP-WHITE', reserved: 1 },
      { sku: 'TEA-PE-357', reserved: 2 },
    ]);
    const shipments = await p.db.selectFrom('shipments').select('waybill_no').where('order_id', '=', id).execute();
    expect(shipments).toHaveLength(1);
    expect(shipments[0]!.waybill_no).toMatch(/^SIM\d{10}$/);
    const sms = (await (await fetch(`${p.sms.url}/sms?orderId=${encodeURIComponent(id)}`)).json()) as { messages: { template: string }[] };
    expect(sms.messages.filter((m) => m.template === 'being_packed')).toHaveLength(1);
    const events = await p.db.selectFrom('order_events').select('type').where('order_id', '=', id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['received', 'priced', 'routed', 'picking', 'waybilled', 'notified']);
  });

  it('turns repeated deliveries and re-driven stage messages into nothing new', async () => {
    const payload = generateShopOrder(2);
    const id = `shop:${String(payload.id)}`;
    await submitPayload(p.bus.js, p.names, 'shop', encode(payload));
    await eventually(async () => ((await statusOf(id)) === 'notified' ? true : undefined), 20_000, `${id} notified`);

    // The same payload again, with a different id so JetStream's duplicate window cannot help,
    // and every stage's message again as if each had been redelivered after a crash.
    await p.bus.js.publish(p.names.stageSubject('ingest', 'shop'), encode({ ...payload, note: 'redelivered' }));
    for (const stage of ['pricing', 'routing', 'pick', 'waybill', 'notify'] as const) {
      await p.bus.js.publish(p.names.stageSubject(stage, 'shop'), encode({ orderId: id }), { msgID: `again-${stage}` });
    }
    await eventually(async () => {
      const depths = await Promise.all(
        (['ingest', 'dedupe', 'pricing', 'routing', 'pick', 'waybill', 'notify'] as const).map((s) =>
          p.bus.jsm.consumers.info(p.names.stageStream(s), s),
        ),
      );
      return depths.every((d) => d.num_pending === 0 && d.num_ack_pending === 0) ? true : undefined;
    }, 20_000, 'all queues empty');

    const count = async (table: 'orders' | 'reservations' | 'shipments' | 'notifications', column: 'id' | 'order_id') =>
      (await p.db.selectFrom(table).select(p.db.fn.countAll<number>().as('n')).where(column, '=', id).executeTakeFirstOrThrow()).n;
    expect(Number(await count('orders', 'id'))).toBe(1);
    expect(Number(await count('reservations', 'order_id'))).toBe((payload.line_items as unknown[]).length);
    expect(Number(await count('shipments', 'order_id'))).toBe(1);
    const kinds = await p.db.selectFrom('notifications').select('kind').where('order_id', '=', id).orderBy('kind').execute();
    expect(kinds.map((k) => k.kind)).toEqual(['being_packed', 'review_reminder']);
    expect(await p.db.selectFrom('loyalty_points').select('order_id').where('order_id', '=', id).execute()).toHaveLength(1);
    const carrier = (await (await fetch(`${p.carrier.url}/stats`)).json()) as { issued: number };
    const sms = (await (await fetch(`${p.sms.url}/sms?orderId=${encodeURIComponent(id)}`)).json()) as { messages: { template: string }[] };
    expect(carrier.issued).toBe(2);
    expect(sms.messages.filter((m) => m.template === 'being_packed')).toHaveLength(1);
  });

  it('dead-letters a malformed payload with a reason naming the field, and keeps going', async () => {
    const bad = { ...generateShopOrder(3), line_items: [{ id: 1, sku: 'TEA-LJ-250', title: 'x', quantity: -2, price: '199.00' }] };
    await submitPayload(p.bus.js, p.names, 'shop', encode(bad));
    await submitPayload(p.bus.js, p.names, 'shop', encode('{not json'));
    const good = generateShopOrder(4);
    await submitPayload(p.bus.js, p.names, 'shop', encode(good));

    await eventually(async () => ((await statusOf(`shop:${String(good.id)}`)) === 'notified' ? true : undefined), 20_000, 'good order notified');
    const letters = await eventually(async () => {
      const found = await listDeadLetters(p.bus.js, p.bus.jsm, p.names);
      return found.length >= 2 ? found : undefined;
    }, 10_000, 'two dead letters');
    expect(letters.map((l) => l.stage)).toEqual(['ingest', 'ingest']);
    const fieldError = letters.find((l) => l.error.includes('line_items[0].quantity'));
    expect(fieldError?.error).toMatch(/^line_items\[0\]\.quantity: /);
    // Kept sealed (it holds the buyer's contact), and opens to the payload as submitted.
    expect(isSealedBody(fieldError!.payload)).toBe(true);
    expect(JSON.parse(new TextDecoder().decode(openBody(fieldError!.payload, processPiiKeyring())))).toEqual(bad);
    expect(fieldError!.attempts).toBe(1);
    expect(letters.some((l) => l.error.startsWith('body: not valid JSON'))).toBe(true);
  });

  it('makes an order whose stock is short a backorder exception without touching stock', async () => {
    await setStock(p.db, 'RARE-1', 'suzhou', 1);
    const base = generateShopOrder(3); // one line of two units
    const payload = { ...base, id: 77, line_items: (base.line_items as object[]).map((l) => ({ ...l, sku: 'RARE-1' })) };
    const id = `shop:${String(payload.id)}`;
    await submitPayload(p.bus.js, p.names, 'shop', encode(payload));
    await eventually(async () => ((await statusOf(id)) === 'exception' ? true : undefined), 20_000, `${id} exception`);
    const order = await p.db.selectFrom('orders').select(['exception_type', 'exception_detail']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(order.exception_type).toBe('backorder');
    // The detail names the region's first warehouse (the order's province decides which) and
    // that no other one has it all: suzhou holds only 1 of the 2.
    expect(order.exception_detail).toMatch(/^backorder: RARE-1 needs 2, [01] available in [a-z]+/);
    const rare = await p.db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', 'RARE-1').executeTakeFirstOrThrow();
    expect(rare).toEqual({ on_hand: 1, reserved: 0 });
  });
});
