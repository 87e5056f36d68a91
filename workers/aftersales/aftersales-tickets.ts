import { insertTicket, findTicketId, insertTicketEvent, lockTicket, lockTicketOrder, setTicketState, restock, countDamaged, insertReplacementOrder, markOrderException, releaseTicketUnits, markOrderRefunded, readOriginalOrder, replacedByTicket, warehouseExists, type TicketChanges } from '../../sql/queries/aftersales.ts';
import { recordEvents } from '../../sql/queries/orders.ts';
import { requestPickCancel } from '../../sql/queries/picks.ts';
import { releaseReservations } from '../../sql/queries/reservations.ts';
import type { Db } from '../../sql/database.ts';
import { statusesBefore } from '../../streams/pipeline.ts';
import { AftersalesError } from './aftersales-error.ts';
import { planRefund, planShippingRefund, type RequestedLine } from './refund-amounts.ts';
import { planReplacement } from './replacement-order.ts';
import { transition, type TicketCommand, type TicketEffect, type TicketState, type TicketType } from './ticket-machine.ts';

const BEFORE_WAYBILL = statusesBefore('waybill');

export interface CreateTicketInput {
  orderId: string;
  type: TicketType;
  /** The ticket's id at the platform; an operator's ticket gets one of its own. */
  platformTicketId: string;
  /** The shop's code; the order's shop account when not given. */
  shop?: string;
  /** Units asked for; none means every unit not yet refunded (every unit, for an exchange). */
  lines: readonly RequestedLine[];
  reason: string;
  complaint: boolean;
  actor: string;
  /** Refund the order's shipping fee too (once per order; not for an exchange). */
  refundShipping?: boolean;
}

/**
 * Opens a ticket in `requested`, its refund valued line by line (`planRefund`) with the order
 * locked, so tickets of one order never refund a unit twice. Idempotent per (shop, platform
 * ticket id): asking again returns the ticket already there, `created` false.
 *
 * @example
 * await createTicket(db, { orderId: 'tmall:1001', type: 'return_refund', platformTicketId: 'RF-88', lines: [{ lineId: '1', qty: 1 }], reason: 'too small', complaint: false, actor: 'lin' })
 * // { id: 7, created: true }
 */
export async function createTicket(db: Db, input: CreateTicketInput): Promise<{ id: number; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const order = await lockTicketOrder(trx, input.orderId);
    if (!order) throw new AftersalesError('NOT_FOUND', `order: no order ${JSON.stringify(input.orderId)}`);
    const shop = input.shop ?? order.shop;
    const known = await findTicketId(trx, shop, input.platformTicketId);
    if (known !== undefined) return { id: known, created: false };
    if (order.paidAt === null || order.paidFen === 0) {
      const replaced = await replacedByTicket(trx, order.id);
      if (replaced) throw new AftersalesError('ORDER_NOT_PAID', `order: ${order.id} is the replacement sent for exchange ticket ${replaced.ticket} and was not paid for: open the ticket on ${replaced.orderId}`);
      throw new AftersalesError('ORDER_NOT_PAID', `order: ${order.id} is not paid (status ${order.status}): nothing to refund or exchange`);
    }
    const withMoney = input.type !== 'exchange';
    const plan = planRefund(order.lines, input.lines, { paidFen: order.paidFen, refundedFen: order.refundedFen }, withMoney);
    const shipping = planShippingRefund(order, input.refundShipping ?? false, withMoney);
    const errors = [...(plan.ok ? [] : plan.errors), ...(shipping.ok ? [] : [shipping.error])];
    if (!plan.ok || !shipping.ok) throw new AftersalesError('INVALID_REFUND', errors.join('; '));
    const refundFen = plan.totalFen + shipping.fen;
    const left = order.paidFen - order.refundedFen;
    if (refundFen > left) throw new AftersalesError('INVALID_REFUND', `refund: ${refundFen} fen with the shipping fee is more than the ${left} fen left of ${order.paidFen} paid`);
    const id = await insertTicket(trx, { shop, platformTicketId: input.platformTicketId, orderId: order.id, type: input.type, reason: input.reason, complaint: input.complaint, createdBy: input.actor, refundFen, shippingRefundFen: shipping.fen, lines: plan.lines });
    // Taken meanwhile by a concurrent create of the same ticket: that one stands.
    if (id === undefined) return { id: (await findTicketId(trx, shop, input.platformTicketId))!, created: false };
    await recordEvents(trx, [{ orderId: order.id, key: `aftersales:${id}:requested`, type: 'aftersales_requested', detail: { ticket: id, type: input.type, refundFen, ...(shipping.fen > 0 ? { shippingRefundFen: shipping.fen } : {}) } }]);
    return { id, created: true };
  });
}

/** What a ticket's move did; `replacementOrder` when it made (or found) an exchange's replacement order, to hand to routing. */
export interface AppliedCommand {
  from: TicketState;
  to: TicketState;
  effects: TicketEffect[];
  replacementOrder?: { id: string; channel: string };
}

/**
 * Moves a ticket by one command: the machine (`transition`) decides, and its effects are
 * applied here in one transaction with the ticket, its order and the stock rows locked in that
 * order: state and event, stock back on hand or counted damaged, an exchange's replacement order
 * inserted as priced (the caller hands it to routing once this commits: `shipExchange`), the
 * order stopped and its reservations released. A refused move changes nothing and throws
 * `AftersalesError` with the reason.
 */
export async function applyTicketCommand(db: Db, ticketId: number, command: TicketCommand, actor: string): Promise<AppliedCommand> {
  if (command.kind === 'receive' && !(await warehouseExists(db, command.warehouse))) {
    throw new AftersalesError('UNKNOWN_WAREHOUSE', `warehouse: unknown warehouse ${JSON.stringify(command.warehouse)} (see ordersurge warehouses show)`);
  }
  return db.transaction().execute(async (trx) => {
    const ticket = await lockTicket(trx, ticketId);
    if (!ticket) throw new AftersalesError('NOT_FOUND', `ticket: no after-sales ticket ${ticketId}`);
    const order = (await lockTicketOrder(trx, ticket.order_id, ticket.id))!;
    const mine = new Map(ticket.lines.map((l) => [l.line_id, l.qty]));
    const refundsRestOfOrder = order.lines.every((l) => l.qty - l.refundedQty === (mine.get(l.lineId) ?? 0));
    const units = ticket.lines.map((l) => ({ sku: l.sku, qty: l.qty }));
    let replacement: { id: string; channel: string } | undefined;
    const decided = transition(
      { type: ticket.type, state: ticket.state, units, refundFen: ticket.refund_fen },
      command,
      { beforeWaybill: !order.hasWaybill && BEFORE_WAYBILL.has(order.status), refundsRestOfOrder },
    );
    if (!decided.ok) throw new AftersalesError(decided.code, `ticket ${ticket.id}: ${decided.message}`);

    for (const effect of decided.effects) {
      switch (effect.kind) {
        case 'restock':
          await restock(trx, effect.warehouse, effect.units);
          break;
        case 'count_damaged':
          await countDamaged(trx, effect.warehouse, effect.units);
          break;
        case 'replacement_order': {
          // Routing reserves it wherever the rules find stock, as for any order: a shortage makes
          // the replacement a backorder exception, seen in `aftersales show`, not a refused ticket.
          const original = (await readOriginalOrder(trx, order.id))!;
          const planned = planReplacement(original, ticket.id, ticket.lines.map((l) => ({ lineId: l.line_id, qty: l.qty })));
          await insertReplacementOrder(trx, ticket.id, planned);
          replacement = { id: planned.id, channel: planned.channel };
          break;
        }
        case 'stop_order': {
          // Dedupe's cancel path: the pick task cancelled at the WMS (asked before the release takes
          // the order out of its shipment), the order cancelled, its reservations released.
          const reason = `refunded in full by after-sales ticket ${ticket.id}`;
          const { sharedParcel } = await requestPickCancel(trx, order.id);
          if (sharedParcel) {
            const exception = { type: 'cancel_after_pick', detail: `${reason}: its picked parcel carries other orders too; take its items out by hand` };
            await markOrderException(trx, order.id, exception);
            await recordEvents(trx, [{ orderId: order.id, key: `exception:aftersales:${ticket.id}`, type: 'exception', detail: exception }]);
            break;
          }
          await markOrderRefunded(trx, order.id);
          await releaseReservations(trx, [order.id]);
          await recordEvents(trx, [{ orderId: order.id, key: 'cancelled', type: 'cancelled', detail: { reason } }]);
          break;
        }
        case 'release_units': {
          const out = await releaseTicketUnits(trx, order.id, ticket.lines.map((l) => ({ lineId: l.line_id, sku: l.sku, qty: l.qty })));
          // Units already on a pick list ship as picked: the refund is money only for them, and the event says so.
          const shipping = out.filter((u) => u.atWms > 0).map((u) => ({ lineId: u.lineId, sku: u.sku, qty: u.atWms }));
          const detail = { ticket: ticket.id, released: out.filter((u) => u.released > 0).map((u) => ({ lineId: u.lineId, sku: u.sku, qty: u.released })), ...(shipping.length > 0 ? { stillShipping: shipping } : {}) };
          await recordEvents(trx, [{ orderId: order.id, key: `aftersales:${ticket.id}:units_out`, type: 'aftersales_units_out', detail }]);
          break;
        }
        case 'pay_refund':
          break;
        default: {
          const never: never = effect;
          throw new Error(`unknown ticket effect ${JSON.stringify(never)}`);
        }
      }
    }
    await setTicketState(trx, ticket.id, decided.to, changesOf(command));
    const detail = { ...detailOf(command), ...(decided.effects.length > 0 ? { effects: decided.effects.map((e) => e.kind) } : {}), ...(replacement ? { replacementOrder: replacement.id } : {}) };
    await insertTicketEvent(trx, { ticketId: ticket.id, type: command.kind, from: ticket.state, to: decided.to, actor, detail });
    await recordEvents(trx, [{ orderId: order.id, key: `aftersales:${ticket.id}:${decided.to}`, type: `aftersales_${decided.to}`, detail: { ticket: ticket.id, ...detail } }]);
    return { from: ticket.state, to: decided.to, effects: decided.effects, ...(replacement ? { replacementOrder: replacement } : {}) };
  });
}

function changesOf(command: TicketCommand): TicketChanges {
  switch (command.kind) {
    case 'ship_return':
      return { return_carrier: command.carrier, return_waybill: command.waybill };
    case 'receive':
      return { received_warehouse: command.warehouse, condition: command.condition };
    default:
      return {};
  }
}

function detailOf(command: TicketCommand): Record<string, unknown> {
  const { kind: _kind, ...rest } = command;
  return rest;
}
