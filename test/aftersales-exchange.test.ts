import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTicketDetail } from '../sql/queries/aftersales.ts';
import { setStock } from '../sql/queries/inventory.ts';
import type { StageName } from '../streams/pipeline.ts';
import { applyTicketCommand, createTicket } from '../workers/aftersales/aftersales-tickets.ts';
import { routingPublisher, shipExchange } from '../workers/aftersales/ship-exchange.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));

/** A buyer in Suzhou (stored before sealing existed: no sealed contact, the SMS goes without a number as on any such order). */
const ADDRESS = { province: '江苏省', provinceCode: '320000', city: '苏州市', district: '姑苏区', street: '人民路', detail: '人民路1号', receiver: '林*', phone: '', postcode: '215000' };

/** The stages an exchange's replacement goes through, from routing to the SMS. */
const SHIPPING: readonly StageName[] = ['routing', 'pick', 'waybill', 'notify'];

describe('after-sales through the pipeline', () => {
  let p: TestPipeline;

  beforeAll(async () => {
    p = await createTestPipeline();
    await setStock(p.db, 'EX-TEE-M', 'suzhou', 5);
    await setStock(p.db, 'EX-CAP', 'suzhou', 5);
  });
  afterAll(async () => {
    await p?.close();
  });

  /** A web-shop order already shipped and notified: tee x2 (payable 90.00) and a cap (27.00). */
  async function shippedOrder(id: string): Promise<void> {
    const now = new Date();
    await p.db
      .insertInto('orders')
      .values({ id, channel: 'shop', external_id: id.slice(5), status: 'notified', channel_status: 'paid', refund_status: 'none', version: 1, placed_at: now, paid_at: now, channel_updated_at: now, buyer: 'buyer-ex', address: JSON.stringify(ADDRESS), payment_method: 'online', goods_fen: 13000, discount_fen: 1300, shipping_fen: 0, paid_fen: 11700, coupons: '[]', buyer_message: '', seller_memo: '', raw: '{}' })
      .execute();
    await p.db
      .insertInto('order_lines')
      .values([
        { order_id: id, line_id: '1', sku: 'EX-TEE-M', platform_sku_id: '', title: 'tee M', qty: 2, unit_price_fen: 5000, payable_fen: 9000, refund_status: 'none', gift: false },
        { order_id: id, line_id: '2', sku: 'EX-CAP', platform_sku_id: '', title: 'cap', qty: 1, unit_price_fen: 3000, payable_fen: 2700, refund_status: 'none', gift: false },
      ])
      .execute();
  }

  const stats = async (url: string) => (await (await fetch(`${url}/stats`)).json()) as Record<string, number>;

  /** Every stage consumer has nothing pending or unacknowledged: what was published has been handled. */
  const drained = async () => {
    for (const stage of SHIPPING) {
      const info = await p.bus.jsm.consumers.info(p.names.stageStream(stage), p.names.durable(stage));
      if (info.num_pending + info.num_ack_pending > 0) return undefined;
    }
    return true;
  };

  it('the replacement is reserved by routing, picked, waybilled and notified under its own keys; repeats and redeliveries make nothing twice', async () => {
    await shippedOrder('shop:ex1');
    const { id } = await createTicket(p.db, { orderId: 'shop:ex1', type: 'exchange', platformTicketId: 'EX-1', lines: [{ lineId: '1', qty: 1 }], reason: 'too small', complaint: false, actor: 'lin' });
    await applyTicketCommand(p.db, id, { kind: 'approve' }, 'lin');
    await applyTicketCommand(p.db, id, { kind: 'ship_return', carrier: 'sf', waybill: 'SF-BACK' }, 'buyer');
    await applyTicketCommand(p.db, id, { kind: 'receive', warehouse: 'chengdu', condition: 'sellable' }, 'dock');

    const workers = await p.startWorkers(SHIPPING);
    const handToRouting = routingPublisher(p.bus.js, p.names);
    const shipped = await shipExchange(p.db, handToRouting, id, 'dock');
    const replacement = `shop:ex1#x${id}`;
    expect(shipped).toMatchObject({ kind: 'moved', applied: { from: 'received', to: 'exchange_shipped', replacementOrder: { id: replacement, channel: 'shop' } } });

    await eventually(async () => ((await p.db.selectFrom('orders').select('status').where('id', '=', replacement).executeTakeFirst())?.status === 'notified' ? true : undefined), 30_000, 'the replacement notified');
    const reservations = () => p.db.selectFrom('reservations').select(['sku', 'warehouse', 'qty', 'status']).where('order_id', '=', replacement).execute();
    const shipments = () => p.db.selectFrom('shipment_orders').innerJoin('shipments', 'shipments.id', 'shipment_orders.shipment_id').select(['shipments.id', 'shipments.warehouse', 'shipments.pick_task_id', 'shipments.waybill_no']).where('shipment_orders.order_id', '=', replacement).execute();
    const notifications = () => p.db.selectFrom('notifications').select(['order_id', 'kind']).where('order_id', '=', replacement).execute();
    expect(await reservations()).toEqual([{ sku: 'EX-TEE-M', warehouse: 'suzhou', qty: 1, status: 'held' }]);
    const [shipment] = await shipments();
    expect(shipment).toMatchObject({ warehouse: 'suzhou', pick_task_id: expect.any(String), waybill_no: expect.any(String) });
    expect(await notifications()).toEqual([{ order_id: replacement, kind: 'being_packed' }]);
    // The carrier, the WMS and the SMS gateway were each asked for this parcel once, under its own keys.
    expect(await stats(p.carrier.url)).toMatchObject({ issued: 1, duplicates: 0 });
    expect(await stats(p.wms.url)).toMatchObject({ tasks: 1, duplicates: 0 });
    expect(await stats(p.sms.url)).toMatchObject({ sent: 1, duplicates: 0 });
    expect(await p.db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', 'EX-TEE-M').where('warehouse', '=', 'suzhou').execute()).toEqual([{ on_hand: 5, reserved: 1 }]);

    // Shipping it again makes nothing and, the replacement being past routing, hands nothing on.
    expect(await shipExchange(p.db, handToRouting, id, 'dock')).toEqual({ kind: 'already', replacementOrder: { id: replacement, channel: 'shop', status: 'notified' }, handedAgain: false });
    // Every stage's message delivered again, under new message ids (as a redrive or a lost ack would), and the first hand-over repeated.
    await handToRouting({ id: replacement, channel: 'shop' });
    for (const stage of SHIPPING) await p.bus.js.publish(p.names.stageSubject(stage, 'shop'), JSON.stringify({ orderId: replacement }), { msgID: `again:${stage}:${replacement}` });
    await eventually(drained, 20_000, 'the redeliveries handled');

    expect(await reservations()).toEqual([{ sku: 'EX-TEE-M', warehouse: 'suzhou', qty: 1, status: 'held' }]);
    expect(await shipments()).toEqual([shipment]);
    expect(await notifications()).toHaveLength(1);
    expect(await stats(p.carrier.url)).toMatchObject({ issued: 1 });
    expect(await stats(p.wms.url)).toMatchObject({ tasks: 1 });
    expect(await stats(p.sms.url)).toMatchObject({ sent: 1 });
    expect(await p.db.selectFrom('orders').select('id').where('id', 'like', 'shop:ex1%').orderBy('id').execute()).toEqual([{ id: 'shop:ex1' }, { id: replacement }]);

    // The ticket shows its replacement and the replacement's waybill; the original order is untouched.
    expect((await loadTicketDetail(p.db, id))!).toMatchObject({ state: 'exchange_shipped', exchange_order_id: replacement, replacement: { orderId: replacement, status: 'notified', shipments: [{ id: shipment!.id, waybill_no: shipment!.waybill_no }] } });
    expect(await p.db.selectFrom('orders').select(['status', 'paid_fen']).where('id', '=', 'shop:ex1').executeTakeFirst()).toEqual({ status: 'notified', paid_fen: 11700 });
    await workers.stop();

    // From the command line: ship-exchange again says where the replacement is; both shows link ticket and orders.
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NATS_URL: p.config.natsUrl, DATABASE_URL: p.databaseUrl, ORDERSURGE_NAMESPACE: p.names.namespace }, timeout: 60_000 });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    expect(await cli('aftersales', 'ship-exchange', String(id))).toMatchObject({ code: 0, stdout: `ticket ${id}: already exchange_shipped; replacement order ${replacement} is notified\n` });
    const ticketShown = await cli('aftersales', 'show', String(id));
    expect(ticketShown.stdout).toContain(`  replacement order ${replacement}: notified\n    shipment ${shipment!.id} from suzhou: `);
    expect(ticketShown.stdout).toContain(` ${shipment!.waybill_no}\n`);
    const originalShown = await cli('order', 'show', 'shop:ex1');
    expect(originalShown.stderr).toBe('');
    expect(originalShown.stdout).toContain(`after-sales:\n  ticket ${id} exchange (exchange_shipped): replacement order ${replacement}\n`);
    const replacementShown = await cli('order', 'show', replacement, '--json');
    expect(JSON.parse(replacementShown.stdout)).toMatchObject({ id: replacement, status: 'notified', amounts: { paid: 0 }, aftersales: [{ ticket: id, type: 'exchange', orderId: 'shop:ex1', replacementOrderId: replacement }] });
  }, 120_000);

  it('a refund only for part of an order not routed yet: routing reserves the rest, the WMS picks the rest, and it ships', async () => {
    await shippedOrder('shop:pr1');
    await p.db.updateTable('orders').set({ status: 'priced' }).where('id', '=', 'shop:pr1').execute();
    const { id } = await createTicket(p.db, { orderId: 'shop:pr1', type: 'refund_only', platformTicketId: 'RF-PR1', lines: [{ lineId: '1', qty: 1 }, { lineId: '2', qty: 1 }], reason: 'changed mind', complaint: false, actor: 'lin' });
    expect((await applyTicketCommand(p.db, id, { kind: 'approve' }, 'lin')).effects).toEqual([{ kind: 'release_units' }]);
    const reservedBefore = (await p.db.selectFrom('inventory').select('reserved').where('sku', '=', 'EX-CAP').where('warehouse', '=', 'suzhou').executeTakeFirstOrThrow()).reserved;

    const workers = await p.startWorkers(SHIPPING);
    await p.bus.js.publish(p.names.stageSubject('routing', 'shop'), JSON.stringify({ orderId: 'shop:pr1' }), { msgID: 'routing:shop:pr1' });
    await eventually(async () => ((await p.db.selectFrom('orders').select('status').where('id', '=', 'shop:pr1').executeTakeFirst())?.status === 'notified' ? true : undefined), 30_000, 'the order notified');
    await workers.stop();
    // One tee of two reserved and picked; the cap, refunded whole, neither reserved nor picked.
    expect(await p.db.selectFrom('reservations').select(['line_id', 'sku', 'qty', 'status']).where('order_id', '=', 'shop:pr1').execute()).toEqual([{ line_id: '1', sku: 'EX-TEE-M', qty: 1, status: 'held' }]);
    expect((await p.db.selectFrom('inventory').select('reserved').where('sku', '=', 'EX-CAP').where('warehouse', '=', 'suzhou').executeTakeFirstOrThrow()).reserved).toBe(reservedBefore);
    const shipment = await p.db.selectFrom('shipments').select(['pick_task_id', 'waybill_no']).where('order_id', '=', 'shop:pr1').executeTakeFirstOrThrow();
    expect(shipment.waybill_no).not.toBeNull();
    expect(await (await fetch(`${p.wms.url}/pick-tasks/${shipment.pick_task_id}`)).json()).toMatchObject({ orderIds: ['shop:pr1'], lines: [{ sku: 'EX-TEE-M', qty: 1 }] });
  }, 60_000);
});
