import { describe, expect, it } from 'vitest';
import { nextCommands, TICKET_STATES, TICKET_TYPES, transition, type CommandKind, type TicketCommand, type TicketState, type TicketType } from './ticket-machine.ts';

const UNITS = [{ sku: 'TEA-1', qty: 2 }];
const UNSHIPPED_WHOLE = { beforeWaybill: true, refundsRestOfOrder: true };

const COMMANDS: Record<CommandKind, TicketCommand> = {
  approve: { kind: 'approve' },
  reject: { kind: 'reject', reason: 'no reason given' },
  ship_return: { kind: 'ship_return', carrier: 'sf', waybill: 'SF100' },
  receive: { kind: 'receive', warehouse: 'suzhou', condition: 'sellable' },
  refund: { kind: 'refund' },
  ship_exchange: { kind: 'ship_exchange' },
};

/** The legal moves, written out by hand (not read from the machine's table) so the table is checked. */
const LEGAL: Record<TicketType, Partial<Record<TicketState, Partial<Record<CommandKind, TicketState>>>>> = {
  refund_only: {
    requested: { approve: 'approved', reject: 'rejected' },
    approved: { refund: 'refunded' },
  },
  return_refund: {
    requested: { approve: 'approved', reject: 'rejected' },
    approved: { ship_return: 'return_shipped' },
    return_shipped: { receive: 'received' },
    received: { refund: 'refunded' },
  },
  exchange: {
    requested: { approve: 'approved', reject: 'rejected' },
    approved: { ship_return: 'return_shipped' },
    return_shipped: { receive: 'received' },
    received: { ship_exchange: 'exchange_shipped' },
  },
};

describe('ticket state machine', () => {
  const cases = TICKET_TYPES.flatMap((type) => TICKET_STATES.flatMap((state) => (Object.keys(COMMANDS) as CommandKind[]).map((command) => ({ type, state, command }))));

  it.each(cases)('$type ticket in $state: $command', ({ type, state, command }) => {
    const result = transition({ type, state, units: UNITS, refundFen: 1990 }, COMMANDS[command], UNSHIPPED_WHOLE);
    const expected = LEGAL[type][state]?.[command];
    if (expected === undefined) {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.code).toBe('INVALID_TRANSITION');
        expect(result.message).toContain(`in state ${state} cannot ${command}`);
      }
    } else {
      expect(result).toMatchObject({ ok: true, to: expected });
    }
  });

  it('names what a ticket can do next, or that it is closed', () => {
    const refused = transition({ type: 'return_refund', state: 'approved', units: UNITS, refundFen: 0 }, COMMANDS.refund, UNSHIPPED_WHOLE);
    expect(refused).toEqual({ ok: false, code: 'INVALID_TRANSITION', message: 'a return and refund ticket in state approved cannot refund: from approved it can: ship_return' });
    const closed = transition({ type: 'exchange', state: 'exchange_shipped', units: UNITS, refundFen: 0 }, COMMANDS.approve, UNSHIPPED_WHOLE);
    expect(closed).toMatchObject({ ok: false, message: 'a exchange ticket in state exchange_shipped cannot approve: it is closed' });
    for (const state of ['rejected', 'refunded', 'exchange_shipped'] as const) for (const type of TICKET_TYPES) expect(nextCommands(type, state)).toEqual([]);
  });

  it('sends sellable goods back to stock and damaged goods to the damaged count of the receiving warehouse', () => {
    const ticket = { type: 'return_refund' as const, state: 'return_shipped' as const, units: UNITS, refundFen: 1990 };
    expect(transition(ticket, { kind: 'receive', warehouse: 'suzhou', condition: 'sellable' }, UNSHIPPED_WHOLE)).toEqual({ ok: true, to: 'received', effects: [{ kind: 'restock', warehouse: 'suzhou', units: UNITS }] });
    expect(transition(ticket, { kind: 'receive', warehouse: 'chengdu', condition: 'damaged' }, UNSHIPPED_WHOLE)).toEqual({ ok: true, to: 'received', effects: [{ kind: 'count_damaged', warehouse: 'chengdu', units: UNITS }] });
  });

  it('stops an unshipped order on approving a refund-only ticket for all of it, takes the units out of one refunded in part, and ships a waybilled one as it is', () => {
    const ticket = { type: 'refund_only' as const, state: 'requested' as const, units: UNITS, refundFen: 1990 };
    expect(transition(ticket, COMMANDS.approve, UNSHIPPED_WHOLE)).toEqual({ ok: true, to: 'approved', effects: [{ kind: 'stop_order' }] });
    expect(transition(ticket, COMMANDS.approve, { beforeWaybill: false, refundsRestOfOrder: true })).toEqual({ ok: true, to: 'approved', effects: [] });
    expect(transition(ticket, COMMANDS.approve, { beforeWaybill: true, refundsRestOfOrder: false })).toEqual({ ok: true, to: 'approved', effects: [{ kind: 'release_units' }] });
    expect(transition(ticket, COMMANDS.approve, { beforeWaybill: false, refundsRestOfOrder: false })).toEqual({ ok: true, to: 'approved', effects: [] });
    expect(transition({ ...ticket, type: 'return_refund' }, COMMANDS.approve, UNSHIPPED_WHOLE)).toEqual({ ok: true, to: 'approved', effects: [] });
  });

  it('pays the refund the ticket was created with, and ships an exchange as a replacement order', () => {
    expect(transition({ type: 'refund_only', state: 'approved', units: UNITS, refundFen: 1990 }, COMMANDS.refund, UNSHIPPED_WHOLE)).toEqual({ ok: true, to: 'refunded', effects: [{ kind: 'pay_refund', amountFen: 1990 }] });
    expect(transition({ type: 'exchange', state: 'received', units: UNITS, refundFen: 0 }, COMMANDS.ship_exchange, UNSHIPPED_WHOLE)).toEqual({ ok: true, to: 'exchange_shipped', effects: [{ kind: 'replacement_order', units: UNITS }] });
  });
});
