import type { JetStreamClient } from '@nats-io/jetstream';
import { replacementOrderOf } from '../../sql/queries/aftersales.ts';
import type { Db } from '../../sql/database.ts';
import { stageMsgId } from '../../streams/messages.ts';
import type { Names } from '../../streams/names.ts';
import { AftersalesError } from './aftersales-error.ts';
import { applyTicketCommand, type AppliedCommand } from './aftersales-tickets.ts';

/** Hands a priced order to the routing stage. */
export type HandToRouting = (order: { id: string; channel: string }) => Promise<void>;

/**
 * Publishes to routing under the message id pricing would have used (`routing:ORDER`), so a
 * second hand-over within JetStream's duplicate window is stored once; past it, routing itself
 * moves an order only out of `priced`, so a late repeat does nothing.
 */
export function routingPublisher(js: JetStreamClient, names: Names): HandToRouting {
  return async (order) => {
    await js.publish(names.stageSubject('routing', order.channel), JSON.stringify({ orderId: order.id }), { msgID: stageMsgId('routing', order.id) });
  };
}

export type ShippedExchange =
  | { kind: 'moved'; applied: AppliedCommand & { replacementOrder: { id: string; channel: string } } }
  /** Shipped before: the replacement was handed to routing again if it still waits there. */
  | { kind: 'already'; replacementOrder: { id: string; channel: string; status: string }; handedAgain: boolean };

/**
 * Ships an exchange: the ticket moves to `exchange_shipped` and its replacement order is inserted
 * as priced in one transaction (`applyTicketCommand`), then handed to routing. Routing reserves
 * it, pick, waybill and notify ship it, each under its own keys per order and step.
 *
 * Safe to repeat: on a ticket already shipped this makes nothing new and hands the replacement to
 * routing again only while it is still `priced` (the first hand-over may have been lost between
 * the commit and the publish; `ordersurge redrive` finds such an order too). Any other refused
 * move throws `AftersalesError`.
 */
export async function shipExchange(db: Db, handToRouting: HandToRouting, ticketId: number, actor: string): Promise<ShippedExchange> {
  try {
    const applied = await applyTicketCommand(db, ticketId, { kind: 'ship_exchange' }, actor);
    const order = applied.replacementOrder;
    if (!order) throw new Error(`ticket ${ticketId}: ship_exchange made no replacement order`);
    await handToRouting(order);
    return { kind: 'moved', applied: { ...applied, replacementOrder: order } };
  } catch (error) {
    if (!(error instanceof AftersalesError && error.code === 'INVALID_TRANSITION')) throw error;
    const known = await replacementOrderOf(db, ticketId);
    if (known?.ticketState !== 'exchange_shipped' || known.order === undefined) throw error;
    const handedAgain = known.order.status === 'priced';
    if (handedAgain) await handToRouting(known.order);
    return { kind: 'already', replacementOrder: known.order, handedAgain };
  }
}
