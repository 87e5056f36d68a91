import { sql } from 'kysely';
import type { Db } from '../../../sql/database.ts';
import { orderReadiness, pendingPlatformTickets, recordPlatformTicketOutcome, ticketStateOf, type PendingPlatformTicket } from '../../../sql/queries/platform-aftersales.ts';
import { AftersalesError } from '../../aftersales/aftersales-error.ts';
import { applyTicketCommand, createTicket } from '../../aftersales/aftersales-tickets.ts';
import { planTicketSync } from './platform-ticket-plan.ts';

/** What applying one record did, for the log, the stats and `platform_aftersales.outcome`. */
export interface SyncOutcome {
  /** The version is applied for good (moved, nothing to do, or refused); false: try again next poll (its order is not in yet, or an operator's step comes first). */
  done: boolean;
  text: string;
  ticketId?: number;
  created?: boolean;
  moved?: number;
  refused?: boolean;
}

/**
 * Brings the ticket of one stored platform record to where the platform says it is: the ticket
 * is created once per (shop, platform ticket id) through `createTicket` (idempotent), then moved by
 * the commands `planTicketSync` decides, each through `applyTicketCommand` as an operator's would
 * be. A record whose order has not arrived (or been priced) yet, or whose next step is an
 * operator's (inspecting a return the platform refunded), waits: tried again next poll. A move the ticket
 * cannot make is refused and recorded, never thrown. Other errors (Postgres away) are thrown: the
 * record stays pending.
 */
export async function syncPlatformTicket(db: Db, p: PendingPlatformTicket): Promise<SyncOutcome> {
  const { ticket } = p;
  const actor = `platform:${ticket.channel}`;
  let ticketId: number;
  let created = false;
  // Pulled before its order got through dedupe and pricing: its refund cannot be valued yet.
  const readiness = await orderReadiness(db, p.orderId);
  if (readiness !== 'ready') return { done: false, text: readiness === 'missing' ? `waiting for order ${p.orderId}` : `waiting for order ${p.orderId} to be priced` };
  try {
    const made = await createTicket(db, {
      orderId: p.orderId,
      type: ticket.type,
      platformTicketId: ticket.platformTicketId,
      shop: p.shop,
      lines: ticket.lines,
      reason: ticket.reason,
      complaint: false,
      actor,
    });
    ticketId = made.id;
    created = made.created;
  } catch (error) {
    if (!(error instanceof AftersalesError)) throw error;
    if (error.code === 'NOT_FOUND') return { done: false, text: `waiting for order ${p.orderId}` };
    return { done: true, refused: true, text: `refused: ${error.message} [${error.code}]` };
  }
  const current = await ticketStateOf(db, ticketId);
  if (!current) return { done: false, text: `ticket ${ticketId} vanished`, ticketId };
  const notes: string[] = [];
  if (created && current.refundFen !== ticket.refundFen) notes.push(`the platform refunds ${ticket.refundFen} fen, our books ${current.refundFen}`);
  const plan = planTicketSync(current.type, current.state, ticket);
  if (plan.kind === 'refused') return { done: true, refused: true, ticketId, created, text: `ticket ${ticketId}: not moved: ${plan.reason}` };
  let state = current.state;
  let moved = 0;
  for (const command of plan.commands) {
    try {
      state = (await applyTicketCommand(db, ticketId, command, actor)).to;
      moved++;
    } catch (error) {
      if (!(error instanceof AftersalesError)) throw error;
      return { done: true, refused: true, ticketId, created, moved, text: `ticket ${ticketId}: ${command.kind} refused: ${error.message} [${error.code}]` };
    }
  }
  if (plan.waiting) notes.push(plan.waiting);
  const what = created ? `ticket ${ticketId} created` : `ticket ${ticketId}`;
  // Waiting on an operator (the return's inspection): tried again every poll, so the platform's
  // word is followed as soon as the ticket can follow it.
  return { done: plan.waiting === undefined, ticketId, created, moved, text: `${what}: ${current.state === state ? state : `${current.state} -> ${state}`} (platform ${ticket.platformStatus})${notes.length ? `; ${notes.join('; ')}` : ''}` };
}

/** Counts of what applying records did. */
export interface SyncCounts {
  created: number;
  moved: number;
  waiting: number;
  refused: number;
}

/**
 * Applies every stored record of `shop` whose newest version is not applied yet (at most `limit`
 * a call), oldest change first, logging each outcome. Records waiting for their order stay
 * pending; everything else is marked applied.
 *
 * One applier per shop at a time, across processes (a Postgres advisory lock held on a connection
 * of its own): the poller and a `dlq replay` applying the same record at once would both plan the
 * same moves from the same state, and the later one's moves would be refused and recorded so
 * (seen: three of four concurrent appliers recorded `approve refused`). The second waits, then
 * finds nothing pending. The work runs on that one connection.
 */
export async function applyPendingTickets(db: Db, shop: string, log: (line: string) => void, limit = 500): Promise<SyncCounts> {
  const key = `aftersales:${shop}`;
  return db.connection().execute(async (locked) => {
    await sql`select pg_advisory_lock(hashtextextended(${key}, 0))`.execute(locked);
    try {
      // On the locked connection itself: holding one connection while waiting for another from the
      // pool could exhaust it with many shops applying at once.
      return await applyPendingTicketsNow(locked, shop, log, limit);
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(locked);
    }
  });
}

async function applyPendingTicketsNow(db: Db, shop: string, log: (line: string) => void, limit: number): Promise<SyncCounts> {
  const counts: SyncCounts = { created: 0, moved: 0, waiting: 0, refused: 0 };
  for (const pending of await pendingPlatformTickets(db, shop, limit)) {
    const outcome = await syncPlatformTicket(db, pending);
    await recordPlatformTicketOutcome(db, shop, pending.ticket.platformTicketId, pending.ticket.modifiedAtMs, outcome);
    if (outcome.created) counts.created++;
    counts.moved += outcome.moved ?? 0;
    if (!outcome.done) counts.waiting++;
    if (outcome.refused) counts.refused++;
    // Records still waiting are tried every poll: logged when the outcome changes, not every time.
    if (outcome.done || outcome.text !== pending.outcome) log(`aftersales ${pending.ticket.channel}/${shop} ${pending.ticket.platformTicketId}: ${outcome.text}`);
  }
  return counts;
}
