import type { TicketCommand, TicketState, TicketType } from '../../aftersales/ticket-machine.ts';
import type { PlatformTicket } from '../adapters/platform-ticket.ts';

/** What a platform's after-sale record asks of its ticket. */
export type TicketSyncPlan =
  /** Apply these commands in order (none: the ticket is where the platform says, or past it); `waiting` says what only an operator can do next. */
  | { kind: 'apply'; commands: TicketCommand[]; waiting?: string }
  /** The platform says something the ticket cannot follow (a rejected ticket the platform refunds): recorded, not applied. */
  | { kind: 'refused'; reason: string };

// How far along its road a ticket is; a platform's word about an earlier point is already done.
const RANK: Record<TicketState, number> = { requested: 0, approved: 1, return_shipped: 2, received: 3, refunded: 4, exchange_shipped: 4, rejected: -1 };

/**
 * Decides, pure, which ticket commands bring a ticket of `type` in `current` to where the
 * platform's record says it is, following only the ticket machine's roads:
 * - requested -> approved (approve), rejected (reject);
 * - return shipped: approve, then ship_return with the platform's return waybill;
 * - refunded: a refund only is approved and refunded; a return is refunded once our warehouse has
 *   received it (`received`), else it goes as far as return shipped and waits for the inspection
 *   (the shell tries again every poll, so the refund follows the inspection);
 *   an exchange is never refunded.
 * A ticket already at or past that point needs nothing; a rejected ticket the platform moves on,
 * or an approved one it rejects, is refused with the reason (the machine has no such road).
 *
 * @example
 * planTicketSync('refund_only', 'requested', { status: 'refunded', ... }) // { kind: 'apply', commands: [{ kind: 'approve' }, { kind: 'refund' }] }
 */
export function planTicketSync(type: TicketType, current: TicketState, record: Pick<PlatformTicket, 'status' | 'platformStatus' | 'returnWaybill'>): TicketSyncPlan {
  const says = `the platform says ${record.status} (${record.platformStatus})`;
  if (record.status === 'rejected') {
    if (current === 'rejected') return { kind: 'apply', commands: [] };
    if (current === 'requested') return { kind: 'apply', commands: [{ kind: 'reject', reason: `closed at the platform (${record.platformStatus})` }] };
    return { kind: 'refused', reason: `${says} but the ticket is already ${current}` };
  }
  if (current === 'rejected') return { kind: 'refused', reason: `${says} but the ticket was rejected` };
  if (record.status === 'refunded' && type === 'exchange') return { kind: 'refused', reason: `${says} for an exchange, which moves no money` };
  if ((record.status === 'return_shipped' || record.status === 'refunded') && type !== 'refund_only' && RANK[current] < RANK.return_shipped && !record.returnWaybill) {
    // Without the buyer's waybill there is no return parcel to record: go as far as approving.
    return { kind: 'apply', commands: current === 'requested' ? [{ kind: 'approve' }] : [], waiting: 'the platform has not given the return waybill yet' };
  }
  const target = record.status === 'refunded' ? 'refunded' : record.status;
  if (RANK[current] >= RANK[target]) return { kind: 'apply', commands: [] };
  if (record.status === 'return_shipped' && type === 'refund_only') return { kind: 'refused', reason: `${says} for a refund-only ticket, which has no return` };

  const commands: TicketCommand[] = [];
  if (current === 'requested') commands.push({ kind: 'approve' });
  if (target === 'approved') return { kind: 'apply', commands };
  if (type === 'refund_only') return { kind: 'apply', commands: [...commands, { kind: 'refund' }] };
  if (RANK[current] < RANK.return_shipped) commands.push({ kind: 'ship_return', carrier: record.returnWaybill!.carrier, waybill: record.returnWaybill!.waybill });
  if (target === 'return_shipped') return { kind: 'apply', commands };
  if (current === 'received') return { kind: 'apply', commands: [{ kind: 'refund' }] };
  return { kind: 'apply', commands, waiting: 'the platform refunded the return: the refund follows once it is inspected (aftersales receive)' };
}
