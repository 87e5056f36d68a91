import { describe, expect, it } from 'vitest';
import type { PlatformTicketStatus } from '../adapters/platform-ticket.ts';
import type { TicketState, TicketType } from '../../aftersales/ticket-machine.ts';
import { planTicketSync } from './platform-ticket-plan.ts';

const waybill = { carrier: '顺丰速运', waybill: 'SF1' };
const plan = (type: TicketType, current: TicketState, status: PlatformTicketStatus, withWaybill = true) =>
  planTicketSync(type, current, { status, platformStatus: status.toUpperCase(), ...(withWaybill ? { returnWaybill: waybill } : {}) });
const kinds = (type: TicketType, current: TicketState, status: PlatformTicketStatus, withWaybill = true) => {
  const p = plan(type, current, status, withWaybill);
  return p.kind === 'apply' ? p.commands.map((c) => c.kind) : p.kind;
};

describe('planTicketSync', () => {
  it('walks a refund only from requested to refunded, and does nothing once there', () => {
    expect(kinds('refund_only', 'requested', 'refunded')).toEqual(['approve', 'refund']);
    expect(kinds('refund_only', 'approved', 'refunded')).toEqual(['refund']);
    expect(kinds('refund_only', 'refunded', 'refunded')).toEqual([]);
    expect(kinds('refund_only', 'refunded', 'approved')).toEqual([]);
  });

  it("records the buyer's return waybill, and refunds a return only after our warehouse received it", () => {
    expect(plan('return_refund', 'requested', 'return_shipped')).toEqual({ kind: 'apply', commands: [{ kind: 'approve' }, { kind: 'ship_return', ...waybill }] });
    const early = plan('return_refund', 'approved', 'refunded');
    expect(early).toMatchObject({ kind: 'apply', commands: [{ kind: 'ship_return' }], waiting: expect.stringContaining('aftersales receive') });
    expect(kinds('return_refund', 'received', 'refunded')).toEqual(['refund']);
    expect(plan('return_refund', 'requested', 'return_shipped', false)).toMatchObject({ kind: 'apply', commands: [{ kind: 'approve' }], waiting: expect.stringContaining('waybill') });
  });

  it('rejects only a requested ticket; anything the machine has no road for is refused with the reason', () => {
    expect(kinds('refund_only', 'requested', 'rejected')).toEqual(['reject']);
    expect(kinds('return_refund', 'rejected', 'rejected')).toEqual([]);
    expect(plan('return_refund', 'approved', 'rejected')).toEqual({ kind: 'refused', reason: 'the platform says rejected (REJECTED) but the ticket is already approved' });
    expect(plan('refund_only', 'rejected', 'refunded')).toEqual({ kind: 'refused', reason: 'the platform says refunded (REFUNDED) but the ticket was rejected' });
    expect(kinds('exchange', 'received', 'refunded')).toBe('refused');
    expect(kinds('refund_only', 'approved', 'return_shipped')).toBe('refused');
  });
});
