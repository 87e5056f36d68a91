import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTicketDetail } from '../sql/queries/aftersales.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { externalIdsPlaced, externalIdsPlacedInShop } from '../sql/queries/orders.ts';
import { shipmentsToPick } from '../sql/queries/picks.ts';
import type { Db } from '../sql/database.ts';
import { AftersalesError } from '../workers/aftersales/aftersales-error.ts';
import { applyTicketCommand, createTicket, type CreateTicketInput } from '../workers/aftersales/aftersales-tickets.ts';
import { createOwnDatabase, type OwnDatabase } from './own-database.ts';

const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));
let db: Db;
let dbUrl: string;
let own: OwnDatabase | undefined;

beforeAll(async () => {
  own = await createOwnDatabase('aftersales');
  ({ db, url: dbUrl } = own);
});

afterAll(() => own?.drop());

/**
 * A priced Tmall order of two lines after a 满300减50 coupon apportioned by pricing: TEA x3 at
 * 99.00 (297.00, payable 261.49) and CUP x1 at 42.00 (payable 27.51); paid 289.00 + 10.00 shipping.
 * `status` routed holds its reservations in suzhou; waybilled gives its shipment a waybill number.
 */
async function order(id: string, status: 'routed' | 'picking' | 'waybilled' | 'awaiting_payment' = 'waybilled'): Promise<void> {
  const now = new Date();
  await db
    .insertInto('orders')
    .values({ id, channel: 'tmall', external_id: id.slice(6), status, channel_status: status === 'awaiting_payment' ? 'pending_payment' : 'paid', refund_status: 'none', version: 1, placed_at: now, paid_at: status === 'awaiting_payment' ? null : now, channel_updated_at: now, buyer: '', address: '{}', payment_method: 'online', goods_fen: 33900, discount_fen: 5000, shipping_fen: 1000, paid_fen: status === 'awaiting_payment' ? 0 : 29900, coupons: '[]', buyer_message: '', seller_memo: '', raw: '{}' })
    .execute();
  await db
    .insertInto('order_lines')
    .values([
      { order_id: id, line_id: '1', sku: 'TEA', platform_sku_id: '', title: 'tea', qty: 3, unit_price_fen: 9900, payable_fen: 26149, refund_status: 'none', gift: false },
      { order_id: id, line_id: '2', sku: 'CUP', platform_sku_id: '', title: 'cup', qty: 1, unit_price_fen: 4200, payable_fen: 2751, refund_status: 'none', gift: false },
    ])
    .execute();
  if (status === 'awaiting_payment') return;
  await db.insertInto('shipments').values({ id: `${id}/1`, order_id: id, warehouse: 'suzhou', waybill_no: status === 'waybilled' ? `SF${id.slice(6)}` : null, carrier: 'sf', merge_key: null, waybilled_at: status === 'waybilled' ? now : null, interception: null, intercepted_at: null }).execute();
  await db.insertInto('shipment_orders').values({ shipment_id: `${id}/1`, order_id: id }).execute();
  await db
    .insertInto('reservations')
    .values([
      { order_id: id, line_id: '1', sku: 'TEA', warehouse: 'suzhou', qty: 3, shipment_id: `${id}/1` },
      { order_id: id, line_id: '2', sku: 'CUP', warehouse: 'suzhou', qty: 1, shipment_id: `${id}/1` },
    ])
    .execute();
}

const ticket = (orderId: string, platformTicketId: string, rest: Partial<CreateTicketInput> = {}): CreateTicketInput => ({ orderId, platformTicketId, type: 'return_refund', lines: [], reason: 'test', complaint: false, actor: 'tester', ...rest });

async function stock(sku: string, warehouse: string) {
  const [inv, damaged] = await Promise.all([
    db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', sku).where('warehouse', '=', warehouse).executeTakeFirst(),
    db.selectFrom('damaged_stock').select('qty').where('sku', '=', sku).where('warehouse', '=', warehouse).executeTakeFirst(),
  ]);
  return { onHand: inv?.on_hand ?? 0, reserved: inv?.reserved ?? 0, damaged: damaged?.qty ?? 0 };
}

async function refused(promise: Promise<unknown>): Promise<AftersalesError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AftersalesError)) throw new Error(`expected an AftersalesError, got ${String(error)}`);
  return error;
}

describe('after-sales tickets against Postgres', () => {
  beforeAll(async () => {
    for (const sku of ['TEA', 'CUP']) for (const w of ['suzhou', 'chengdu']) await setStock(db, sku, w, 100);
  });

  it('return and refund: the goods come back sellable into the receiving warehouse, the refund is the apportioned payable to the fen, every step an event', async () => {
    await order('tmall:1001');
    const { id, created } = await createTicket(db, ticket('tmall:1001', 'RF-1001', { lines: [{ lineId: '1', qty: 2 }] }));
    expect(created).toBe(true);
    await applyTicketCommand(db, id, { kind: 'approve' }, 'lin');
    await applyTicketCommand(db, id, { kind: 'ship_return', carrier: 'sf', waybill: 'SF-BACK-1' }, 'buyer');
    await applyTicketCommand(db, id, { kind: 'receive', warehouse: 'chengdu', condition: 'sellable' }, 'chengdu-dock');
    await applyTicketCommand(db, id, { kind: 'refund' }, 'finance');

    const detail = (await loadTicketDetail(db, id))!;
    // 261.49 over 3 units: 87.17, 87.16, 87.16; the first two units refund 174.33.
    expect(detail).toMatchObject({ state: 'refunded', refund_fen: 17433, return_waybill: 'SF-BACK-1', received_warehouse: 'chengdu', condition: 'sellable' });
    expect(detail.lines).toEqual([{ line_id: '1', sku: 'TEA', qty: 2, refund_fen: 17433 }]);
    expect(detail.events.map((e) => [e.type, e.from_state, e.to_state, e.actor])).toEqual([
      ['created', null, 'requested', 'tester'],
      ['approve', 'requested', 'approved', 'lin'],
      ['ship_return', 'approved', 'return_shipped', 'buyer'],
      ['receive', 'return_shipped', 'received', 'chengdu-dock'],
      ['refund', 'received', 'refunded', 'finance'],
    ]);
    expect(await stock('TEA', 'chengdu')).toEqual({ onHand: 102, reserved: 0, damaged: 0 });
    expect(await stock('TEA', 'suzhou')).toMatchObject({ onHand: 100, damaged: 0 });
    const orderEvents = await db.selectFrom('order_events').select('type').where('order_id', '=', 'tmall:1001').orderBy('id').execute();
    expect(orderEvents.map((e) => e.type)).toEqual(['aftersales_requested', 'aftersales_approved', 'aftersales_return_shipped', 'aftersales_received', 'aftersales_refunded']);

    // The last unit is worth the rest of the line's payable: 261.49 refunded in all, never more.
    const rest = await createTicket(db, ticket('tmall:1001', 'RF-1001b', { lines: [{ lineId: '1', qty: 1 }] }));
    expect((await loadTicketDetail(db, rest.id))!.refund_fen).toBe(8716);
    const over = await refused(createTicket(db, ticket('tmall:1001', 'RF-1001c', { lines: [{ lineId: '1', qty: 1 }] })));
    expect(over.code).toBe('INVALID_REFUND');
    expect(over.message).toBe('lines[0].qty: line 1 has 0 of 3 units left to refund, asked 1');
  });

  it('counts damaged returns apart and leaves sellable stock alone', async () => {
    await order('tmall:1002');
    const { id } = await createTicket(db, ticket('tmall:1002', 'RF-1002', { lines: [{ lineId: '2', qty: 1 }] }));
    const before = await stock('CUP', 'suzhou');
    await applyTicketCommand(db, id, { kind: 'approve' }, 'lin');
    await applyTicketCommand(db, id, { kind: 'ship_return', carrier: 'yto', waybill: 'YT-2' }, 'buyer');
    await applyTicketCommand(db, id, { kind: 'receive', warehouse: 'suzhou', condition: 'damaged' }, 'dock');
    expect(await stock('CUP', 'suzhou')).toEqual({ ...before, damaged: 1 });
    const { id: second } = await createTicket(db, ticket('tmall:1001', 'RF-1001-cup', { lines: [{ lineId: '2', qty: 1 }] }));
    await applyTicketCommand(db, second, { kind: 'approve' }, 'lin');
    await applyTicketCommand(db, second, { kind: 'ship_return', carrier: 'yto', waybill: 'YT-3' }, 'buyer');
    await applyTicketCommand(db, second, { kind: 'receive', warehouse: 'suzhou', condition: 'damaged' }, 'dock');
    expect(await stock('CUP', 'suzhou')).toEqual({ ...before, damaged: 2 });
  });

  it('refund only before the waybill: approving it stops the order and releases its reservations (the cancel path)', async () => {
    const tea = await stock('TEA', 'suzhou');
    const cup = await stock('CUP', 'suzhou');
    await order('tmall:1003', 'routed');
    expect(await stock('TEA', 'suzhou')).toEqual({ ...tea, reserved: tea.reserved + 3 });
    const { id } = await createTicket(db, ticket('tmall:1003', 'RF-1003', { type: 'refund_only' }));
    const applied = await applyTicketCommand(db, id, { kind: 'approve' }, 'lin');
    expect(applied.effects).toEqual([{ kind: 'stop_order' }]);
    expect(await stock('TEA', 'suzhou')).toEqual(tea);
    expect(await stock('CUP', 'suzhou')).toEqual(cup);
    expect(await db.selectFrom('orders').select(['status', 'refund_status']).where('id', '=', 'tmall:1003').executeTakeFirst()).toEqual({ status: 'cancelled', refund_status: 'refunded' });
    expect(await db.selectFrom('reservations').select('status').where('order_id', '=', 'tmall:1003').execute()).toEqual([{ status: 'released' }, { status: 'released' }]);
    await applyTicketCommand(db, id, { kind: 'refund' }, 'finance');
    // The whole payable of both lines: 261.49 + 27.51 (shipping is not a line's).
    expect((await loadTicketDetail(db, id))!).toMatchObject({ state: 'refunded', refund_fen: 28900 });
  });

  it('refund only while the WMS picks: the pick task is cancelled too, as a platform cancel does it', async () => {
    await order('tmall:1011', 'picking');
    await db.updateTable('shipments').set({ pick_status: 'open', pick_task_id: 'PICK-1011' }).where('id', '=', 'tmall:1011/1').execute();
    const { id } = await createTicket(db, ticket('tmall:1011', 'RF-1011', { type: 'refund_only' }));
    expect((await applyTicketCommand(db, id, { kind: 'approve' }, 'lin')).effects).toEqual([{ kind: 'stop_order' }]);
    expect(await db.selectFrom('shipments').select('pick_status').where('id', '=', 'tmall:1011/1').executeTakeFirst()).toEqual({ pick_status: 'cancel_requested' });
    expect(await db.selectFrom('orders').select('status').where('id', '=', 'tmall:1011').executeTakeFirst()).toEqual({ status: 'cancelled' });
    expect(await db.selectFrom('reservations').select('status').where('order_id', '=', 'tmall:1011').execute()).toEqual([{ status: 'released' }, { status: 'released' }]);
  });

  it('refund only of an order whose picked parcel carries another live order: held for an operator, as dedupe holds it', async () => {
    await order('tmall:1012', 'picking');
    await order('tmall:1013', 'picking');
    await db.updateTable('shipments').set({ pick_status: 'open', pick_task_id: 'PICK-1012' }).where('id', '=', 'tmall:1012/1').execute();
    await db.insertInto('shipment_orders').values({ shipment_id: 'tmall:1012/1', order_id: 'tmall:1013' }).execute();
    const { id } = await createTicket(db, ticket('tmall:1012', 'RF-1012', { type: 'refund_only' }));
    await applyTicketCommand(db, id, { kind: 'approve' }, 'lin');
    expect(await db.selectFrom('orders').select(['status', 'exception_type']).where('id', '=', 'tmall:1012').executeTakeFirst()).toEqual({ status: 'exception', exception_type: 'cancel_after_pick' });
    expect(await db.selectFrom('shipments').select('pick_status').where('id', '=', 'tmall:1012/1').executeTakeFirst()).toEqual({ pick_status: 'open' });
    expect(await db.selectFrom('reservations').select('status').where('order_id', '=', 'tmall:1012').execute()).toEqual([{ status: 'held' }, { status: 'held' }]);
  });

  it('refund only of part of a routed order: its units leave the reservation and the pick list, the rest still ships', async () => {
    const tea = await stock('TEA', 'suzhou');
    const cup = await stock('CUP', 'suzhou');
    await order('tmall:1014', 'routed');
    const { id } = await createTicket(db, ticket('tmall:1014', 'RF-1014', { type: 'refund_only', lines: [{ lineId: '1', qty: 1 }, { lineId: '2', qty: 1 }] }));
    expect((await applyTicketCommand(db, id, { kind: 'approve' }, 'lin')).effects).toEqual([{ kind: 'release_units' }]);
    // TEA x3 -> x2 still held; the only CUP released.
    expect(await db.selectFrom('reservations').select(['line_id', 'qty', 'status']).where('order_id', '=', 'tmall:1014').orderBy('line_id').execute()).toEqual([
      { line_id: '1', qty: 2, status: 'held' },
      { line_id: '2', qty: 1, status: 'released' },
    ]);
    expect(await stock('TEA', 'suzhou')).toEqual({ ...tea, reserved: tea.reserved + 2 });
    expect(await stock('CUP', 'suzhou')).toEqual(cup);
    expect(await shipmentsToPick(db, ['tmall:1014'])).toMatchObject([{ shipmentId: 'tmall:1014/1', lines: [{ sku: 'TEA', qty: 2 }] }]);
    expect(await db.selectFrom('orders').select('status').where('id', '=', 'tmall:1014').executeTakeFirst()).toEqual({ status: 'routed' });
    const event = await db.selectFrom('order_events').select('detail').where('order_id', '=', 'tmall:1014').where('key', '=', `aftersales:${id}:units_out`).executeTakeFirst();
    expect(event?.detail).toEqual({ ticket: id, released: [{ lineId: '1', sku: 'TEA', qty: 1 }, { lineId: '2', sku: 'CUP', qty: 1 }] });
    // The last TEA units refunded too: that is the rest of the order, which stops it (the cancel path).
    const { id: rest } = await createTicket(db, ticket('tmall:1014', 'RF-1014b', { type: 'refund_only' }));
    expect((await applyTicketCommand(db, rest, { kind: 'approve' }, 'lin')).effects).toEqual([{ kind: 'stop_order' }]);
    expect(await stock('TEA', 'suzhou')).toEqual(tea);
    expect(await db.selectFrom('orders').select('status').where('id', '=', 'tmall:1014').executeTakeFirst()).toEqual({ status: 'cancelled' });
  });

  it('refund only of part of an order the WMS already picks: money only, the parcel ships as picked and the event says so', async () => {
    const tea = await stock('TEA', 'suzhou');
    await order('tmall:1015', 'picking');
    await db.updateTable('shipments').set({ pick_status: 'open', pick_task_id: 'PICK-1015' }).where('id', '=', 'tmall:1015/1').execute();
    const { id } = await createTicket(db, ticket('tmall:1015', 'RF-1015', { type: 'refund_only', lines: [{ lineId: '1', qty: 1 }] }));
    expect((await applyTicketCommand(db, id, { kind: 'approve' }, 'lin')).effects).toEqual([{ kind: 'release_units' }]);
    expect(await db.selectFrom('reservations').select(['line_id', 'qty', 'status']).where('order_id', '=', 'tmall:1015').orderBy('line_id').execute()).toEqual([
      { line_id: '1', qty: 3, status: 'held' },
      { line_id: '2', qty: 1, status: 'held' },
    ]);
    expect(await stock('TEA', 'suzhou')).toEqual({ ...tea, reserved: tea.reserved + 3 });
    const event = await db.selectFrom('order_events').select('detail').where('order_id', '=', 'tmall:1015').where('key', '=', `aftersales:${id}:units_out`).executeTakeFirst();
    expect(event?.detail).toEqual({ ticket: id, released: [], stillShipping: [{ lineId: '1', sku: 'TEA', qty: 1 }] });
  });

  it('refunds the shipping fee once per order when asked, so refunds can add up to all that was paid', async () => {
    await order('tmall:1016');
    const cup = await createTicket(db, ticket('tmall:1016', 'RF-1016', { lines: [{ lineId: '2', qty: 1 }], refundShipping: true }));
    // The cup's payable 27.51 and the 10.00 shipping fee.
    expect((await loadTicketDetail(db, cup.id))!).toMatchObject({ refund_fen: 3751, shipping_refund_fen: 1000, lines: [{ line_id: '2', refund_fen: 2751 }] });
    const twice = await refused(createTicket(db, ticket('tmall:1016', 'RF-1016b', { lines: [{ lineId: '1', qty: 1 }], refundShipping: true })));
    expect(twice).toMatchObject({ code: 'INVALID_REFUND', message: 'shipping: the shipping fee of 1000 fen is refunded by an earlier ticket already' });
    expect((await refused(createTicket(db, ticket('tmall:1016', 'EX-1016', { type: 'exchange', lines: [{ lineId: '1', qty: 1 }], refundShipping: true })))).message).toBe('shipping: an exchange moves goods only and refunds no shipping fee');
    const rest = await createTicket(db, ticket('tmall:1016', 'RF-1016c', { type: 'refund_only' }));
    expect((await loadTicketDetail(db, rest.id))!).toMatchObject({ refund_fen: 26149, shipping_refund_fen: 0 });
    // 37.51 + 261.49: the 299.00 paid, to the fen.
    const { sum } = await db.selectFrom('aftersales_tickets').select((eb) => eb.fn.sum<string>('refund_fen').as('sum')).where('order_id', '=', 'tmall:1016').executeTakeFirstOrThrow();
    expect(Number(sum)).toBe(29900);
    // A rejected ticket frees its shipping fee too.
    await applyTicketCommand(db, cup.id, { kind: 'reject', reason: 'no' }, 'lin');
    expect((await loadTicketDetail(db, (await createTicket(db, ticket('tmall:1016', 'RF-1016d', { lines: [{ lineId: '2', qty: 1 }], refundShipping: true }))).id))!).toMatchObject({ refund_fen: 3751, shipping_refund_fen: 1000 });
  });

  it('refund only after the waybill moves money only', async () => {
    await order('tmall:1004');
    const { id } = await createTicket(db, ticket('tmall:1004', 'RF-1004', { type: 'refund_only' }));
    expect((await applyTicketCommand(db, id, { kind: 'approve' }, 'lin')).effects).toEqual([]);
    expect(await db.selectFrom('orders').select('status').where('id', '=', 'tmall:1004').executeTakeFirst()).toEqual({ status: 'waybilled' });
  });

  it('is one ticket per (shop, platform ticket id), and a rejected ticket frees its units', async () => {
    await order('tmall:1005');
    const first = await createTicket(db, ticket('tmall:1005', 'RF-1005'));
    const again = await createTicket(db, ticket('tmall:1005', 'RF-1005'));
    expect(again).toEqual({ id: first.id, created: false });
    expect(await db.selectFrom('aftersales_tickets').select('id').where('order_id', '=', 'tmall:1005').execute()).toHaveLength(1);
    // Another shop may use the same platform id.
    const otherShop = await createTicket(db, ticket('tmall:1005', 'RF-1005', { shop: 'tmall-flagship', type: 'exchange', lines: [{ lineId: '2', qty: 1 }] }));
    expect(otherShop.created).toBe(true);

    expect((await refused(createTicket(db, ticket('tmall:1005', 'RF-1005-2')))).message).toBe('lines: every unit of the order has been refunded already');
    await applyTicketCommand(db, first.id, { kind: 'reject', reason: 'outside the return window' }, 'lin');
    const after = await createTicket(db, ticket('tmall:1005', 'RF-1005-2'));
    expect((await loadTicketDetail(db, after.id))!.refund_fen).toBe(28900);
  });

  it("belongs to the order's shop account unless told otherwise", async () => {
    await order('tmall:1010');
    await db.updateTable('orders').set({ shop: 'tmall-outlet' }).where('id', '=', 'tmall:1010').execute();
    const { id } = await createTicket(db, ticket('tmall:1010', 'RF-1010'));
    expect((await loadTicketDetail(db, id))!.shop).toBe('tmall-outlet');
  });

  it('refuses an invalid transition, an unknown warehouse and an unpaid order, changing nothing', async () => {
    await order('tmall:1006');
    const { id } = await createTicket(db, ticket('tmall:1006', 'RF-1006'));
    const early = await refused(applyTicketCommand(db, id, { kind: 'receive', warehouse: 'suzhou', condition: 'sellable' }, 'dock'));
    expect(early.code).toBe('INVALID_TRANSITION');
    expect(early.message).toBe(`ticket ${id}: a return and refund ticket in state requested cannot receive: from requested it can: approve, reject`);
    const nowhere = await refused(applyTicketCommand(db, id, { kind: 'receive', warehouse: 'atlantis', condition: 'sellable' }, 'dock'));
    expect(nowhere.code).toBe('UNKNOWN_WAREHOUSE');
    expect((await loadTicketDetail(db, id))!).toMatchObject({ state: 'requested', events: [{ type: 'created' }] });
    expect((await refused(applyTicketCommand(db, 999_999, { kind: 'approve' }, 'lin'))).code).toBe('NOT_FOUND');
    await order('tmall:1007', 'awaiting_payment');
    expect((await refused(createTicket(db, ticket('tmall:1007', 'RF-1007')))).code).toBe('ORDER_NOT_PAID');
  });

  it('an exchange ships its replacement as a new priced order with nothing to pay, linked to the ticket, made once', async () => {
    await order('tmall:1008');
    await db.updateTable('orders').set({ buyer: 'buyer-8', address: JSON.stringify({ province: '四川省', provinceCode: '510000' }) }).where('id', '=', 'tmall:1008').execute();
    const { id } = await createTicket(db, ticket('tmall:1008', 'EX-1008', { type: 'exchange', lines: [{ lineId: '2', qty: 1 }] }));
    expect((await loadTicketDetail(db, id))!.refund_fen).toBe(0);
    await applyTicketCommand(db, id, { kind: 'approve' }, 'lin');
    await applyTicketCommand(db, id, { kind: 'ship_return', carrier: 'sf', waybill: 'SF-X' }, 'buyer');
    await applyTicketCommand(db, id, { kind: 'receive', warehouse: 'chengdu', condition: 'sellable' }, 'dock');
    const before = await stock('CUP', 'chengdu');
    const shipped = await applyTicketCommand(db, id, { kind: 'ship_exchange' }, 'dock');
    const replacementId = `tmall:1008#x${id}`;
    expect(shipped).toMatchObject({ from: 'received', to: 'exchange_shipped', effects: [{ kind: 'replacement_order', units: [{ sku: 'CUP', qty: 1 }] }], replacementOrder: { id: replacementId, channel: 'tmall' } });
    // No stock taken here: routing reserves the replacement like any order.
    expect(await stock('CUP', 'chengdu')).toEqual(before);
    expect(await db.selectFrom('orders').select(['status', 'shop', 'buyer', 'address', 'external_id', 'goods_fen', 'discount_fen', 'shipping_fen', 'paid_fen', 'payment_method']).where('id', '=', replacementId).executeTakeFirst()).toEqual({
      status: 'priced', shop: 'tmall', buyer: 'buyer-8', address: { province: '四川省', provinceCode: '510000' }, external_id: `1008#x${id}`, goods_fen: 4200, discount_fen: 4200, shipping_fen: 0, paid_fen: 0, payment_method: 'online',
    });
    expect(await db.selectFrom('order_lines').select(['line_id', 'sku', 'qty', 'unit_price_fen', 'payable_fen']).where('order_id', '=', replacementId).execute()).toEqual([{ line_id: '2', sku: 'CUP', qty: 1, unit_price_fen: 4200, payable_fen: 0 }]);
    expect((await loadTicketDetail(db, id))!).toMatchObject({ state: 'exchange_shipped', exchange_order_id: replacementId, replacement: { orderId: replacementId, status: 'priced', shipments: [] } });
    // Shipping it again is refused by the machine and makes nothing.
    expect((await refused(applyTicketCommand(db, id, { kind: 'ship_exchange' }, 'dock'))).code).toBe('INVALID_TRANSITION');
    expect(await db.selectFrom('orders').select('id').where('id', 'like', 'tmall:1008%').orderBy('id').execute()).toEqual([{ id: 'tmall:1008' }, { id: replacementId }]);
    // The platform never saw the replacement: the daily count check leaves it out.
    const day = { startMs: Date.now() - 3_600_000, endMs: Date.now() + 3_600_000 };
    expect(await externalIdsPlacedInShop(db, 'tmall', day.startMs, day.endMs)).toContain('1008');
    expect(await externalIdsPlacedInShop(db, 'tmall', day.startMs, day.endMs)).not.toContain(`1008#x${id}`);
    expect(await externalIdsPlaced(db, 'tmall', day.startMs, day.endMs)).not.toContain(`1008#x${id}`);
    // A replacement is paid by the order it replaces: no ticket of money can be opened on it.
    expect(await refused(createTicket(db, ticket(replacementId, 'RF-ON-REPLACEMENT')))).toMatchObject({ code: 'ORDER_NOT_PAID', message: `order: ${replacementId} is the replacement sent for exchange ticket ${id} and was not paid for: open the ticket on tmall:1008` });
  });

  it('from the command line: create, approve, a refused move exits 2 naming what the ticket can do, show --json', async () => {
    await order('tmall:1009');
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: dbUrl }, timeout: 60_000 });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const created = await cli('aftersales', 'create', 'tmall:1009', '--type', 'return-refund', '--line', '1:1', '--line', '2', '--ticket-id', 'TM-9', '--by', 'lin');
    expect(created.stderr).toBe('');
    const id = /ticket (\d+) /.exec(created.stdout)?.[1];
    expect(created.stdout).toBe(`created ticket ${id} (tmall/TM-9) return and refund on tmall:1009: requested, refund 114.68\n`);
    expect((await cli('aftersales', 'create', 'tmall:1009', '--type', 'return-refund', '--ticket-id', 'TM-9')).stdout).toMatch(/^already there: ticket /);
    expect(await cli('aftersales', 'approve', id!, '--by', 'lin')).toMatchObject({ code: 0, stdout: `ticket ${id}: requested -> approved\n` });
    const refused = await cli('aftersales', 'refund', id!);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`ordersurge: ticket ${id}: a return and refund ticket in state approved cannot refund: from approved it can: ship_return [INVALID_TRANSITION]\n`);
    const shown = JSON.parse((await cli('aftersales', 'show', id!, '--json')).stdout) as { state: string; refund_fen: number; lines: unknown[]; next: string[] };
    expect(shown).toMatchObject({ state: 'approved', refund_fen: 11468, lines: [{ line_id: '1', qty: 1, refund_fen: 8717 }, { line_id: '2', qty: 1, refund_fen: 2751 }], next: ['ship_return'] });
  }, 120_000);
});
