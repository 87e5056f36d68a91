/**
 * The after-sales ticket as a state machine, pure: which command may move a ticket of a type from
 * a state, to which state, and what the move does to stock and to the order. The shell
 * (`aftersales-tickets.ts`) reads the ticket, asks here, and applies the answer in one transaction.
 *
 * ```
 * requested ─approve─► approved ─refund──────────────────────────────────────► refunded   (refund only)
 *     │                   └─ship_return─► return_shipped ─receive─► received ─refund─► refunded   (return and refund)
 *     └─reject─► rejected                                               └─ship_exchange─► exchange_shipped (exchange)
 * ```
 *
 * `ship_exchange` does not take stock itself: the replacement becomes an order of its own that
 * routing reserves and the later stages ship (`replacement-order.ts`).
 */

export const TICKET_TYPES = ['refund_only', 'return_refund', 'exchange'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const TICKET_STATES = ['requested', 'approved', 'rejected', 'return_shipped', 'received', 'refunded', 'exchange_shipped'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export const CONDITIONS = ['sellable', 'damaged'] as const;
/** What inspection found of returned goods. */
export type Condition = (typeof CONDITIONS)[number];

export type TicketCommand =
  | { kind: 'approve' }
  | { kind: 'reject'; reason: string }
  /** The buyer sent the goods back under this waybill. */
  | { kind: 'ship_return'; carrier: string; waybill: string }
  /** The goods arrived at `warehouse` and were inspected. */
  | { kind: 'receive'; warehouse: string; condition: Condition }
  | { kind: 'refund' }
  /** Send the replacement: as an order of its own through routing, pick, waybill and notify. */
  | { kind: 'ship_exchange' };

export type CommandKind = TicketCommand['kind'];

/** Units of a SKU a ticket moves. */
export interface TicketUnits {
  sku: string;
  qty: number;
}

export type TicketEffect =
  /** Returned goods fit for sale: back into `warehouse`'s on-hand stock. */
  | { kind: 'restock'; warehouse: string; units: TicketUnits[] }
  /** Returned goods not fit for sale: counted as damaged in `warehouse`. */
  | { kind: 'count_damaged'; warehouse: string; units: TicketUnits[] }
  /** The replacement becomes an order of its own, paid by the first, and goes to routing. */
  | { kind: 'replacement_order'; units: TicketUnits[] }
  /** The order has not been handed to the carrier and is refunded whole: stop it and release its reservations (the cancel path). */
  | { kind: 'stop_order' }
  /**
   * The order has not been handed to the carrier and is refunded in part: the ticket's units are
   * taken out of what it ships (their reservations released while the parcel is not at the WMS
   * yet; routing reserves only the rest of a line), the rest ships.
   */
  | { kind: 'release_units' }
  /** The ticket's refund is paid out. */
  | { kind: 'pay_refund'; amountFen: number };

/** What the machine needs to know of a ticket. */
export interface TicketFacts {
  type: TicketType;
  state: TicketState;
  units: TicketUnits[];
  refundFen: number;
}

/** What the machine needs to know of the ticket's order. */
export interface OrderFacts {
  /** Still before the waybill: nothing has been handed to the carrier. */
  beforeWaybill: boolean;
  /** This ticket refunds every unit of the order that was not refunded before. */
  refundsRestOfOrder: boolean;
}

export type TransitionResult =
  | { ok: true; to: TicketState; effects: TicketEffect[] }
  | { ok: false; code: 'INVALID_TRANSITION'; message: string };

interface Edge {
  from: TicketState;
  to: TicketState;
  types: readonly TicketType[];
}

/** Every legal move, as data: the tests walk this table and everything outside it. */
export const EDGES: Readonly<Record<CommandKind, readonly Edge[]>> = {
  approve: [{ from: 'requested', to: 'approved', types: TICKET_TYPES }],
  reject: [{ from: 'requested', to: 'rejected', types: TICKET_TYPES }],
  ship_return: [{ from: 'approved', to: 'return_shipped', types: ['return_refund', 'exchange'] }],
  receive: [{ from: 'return_shipped', to: 'received', types: ['return_refund', 'exchange'] }],
  refund: [
    { from: 'approved', to: 'refunded', types: ['refund_only'] },
    { from: 'received', to: 'refunded', types: ['return_refund'] },
  ],
  ship_exchange: [{ from: 'received', to: 'exchange_shipped', types: ['exchange'] }],
};

const TYPE_TEXT: Record<TicketType, string> = { refund_only: 'refund only', return_refund: 'return and refund', exchange: 'exchange' };

/** A ticket type as an operator reads it: `return and refund`. */
export function typeText(type: TicketType): string {
  return TYPE_TEXT[type];
}

/** The commands that may move a ticket of `type` out of `state`. */
export function nextCommands(type: TicketType, state: TicketState): CommandKind[] {
  return (Object.keys(EDGES) as CommandKind[]).filter((kind) => EDGES[kind].some((e) => e.from === state && e.types.includes(type)));
}

/**
 * Decides a command on a ticket: the state it moves to and its effects, or why it may not.
 *
 * @example
 * transition({ type: 'return_refund', state: 'return_shipped', units: [{ sku: 'A', qty: 1 }], refundFen: 9900 },
 *   { kind: 'receive', warehouse: 'suzhou', condition: 'damaged' }, order)
 * // { ok: true, to: 'received', effects: [{ kind: 'count_damaged', warehouse: 'suzhou', units: [{ sku: 'A', qty: 1 }] }] }
 */
export function transition(ticket: TicketFacts, command: TicketCommand, order: OrderFacts): TransitionResult {
  const edge = EDGES[command.kind].find((e) => e.from === ticket.state && e.types.includes(ticket.type));
  if (!edge) {
    const allowed = nextCommands(ticket.type, ticket.state);
    const next = allowed.length === 0 ? 'it is closed' : `from ${ticket.state} it can: ${allowed.join(', ')}`;
    return { ok: false, code: 'INVALID_TRANSITION', message: `a ${typeText(ticket.type)} ticket in state ${ticket.state} cannot ${command.kind}: ${next}` };
  }
  return { ok: true, to: edge.to, effects: effectsOf(ticket, command, order) };
}

function effectsOf(ticket: TicketFacts, command: TicketCommand, order: OrderFacts): TicketEffect[] {
  switch (command.kind) {
    case 'approve':
      if (ticket.type !== 'refund_only' || !order.beforeWaybill) return [];
      return [{ kind: order.refundsRestOfOrder ? 'stop_order' : 'release_units' }];
    case 'reject':
    case 'ship_return':
      return [];
    case 'receive':
      return [{ kind: command.condition === 'sellable' ? 'restock' : 'count_damaged', warehouse: command.warehouse, units: ticket.units }];
    case 'refund':
      return [{ kind: 'pay_refund', amountFen: ticket.refundFen }];
    case 'ship_exchange':
      return [{ kind: 'replacement_order', units: ticket.units }];
    default: {
      const never: never = command;
      throw new Error(`unknown ticket command ${JSON.stringify(never)}`);
    }
  }
}
