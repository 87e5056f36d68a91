import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Command, Option } from 'commander';
import { listTickets, loadTicketDetail, type TicketDetail } from '../../sql/queries/aftersales.ts';
import type { Db } from '../../sql/database.ts';
import { formatYuan } from '../../streams/money.ts';
import { AftersalesError } from '../../workers/aftersales/aftersales-error.ts';
import { applyTicketCommand, createTicket } from '../../workers/aftersales/aftersales-tickets.ts';
import { routingPublisher, shipExchange } from '../../workers/aftersales/ship-exchange.ts';
import type { RequestedLine } from '../../workers/aftersales/refund-amounts.ts';
import { CONDITIONS, nextCommands, TICKET_STATES, typeText, type TicketCommand, type TicketState, type TicketType } from '../../workers/aftersales/ticket-machine.ts';
import { loadConfig } from '../config.ts';
import { action, InputError, positiveIntOption } from '../run-action.ts';
import { connectRunning } from '../servers.ts';
import { timeJson, timeText } from '../time-display.ts';
import { parseOrderId } from './order.ts';

/** The ticket types as operators type them. */
const TYPES: Record<string, TicketType> = { 'refund-only': 'refund_only', 'return-refund': 'return_refund', exchange: 'exchange' };

/** Runs `fn` with a database connection; a refused after-sales command is bad input (exit 2). */
async function withDb(fn: (db: Db) => Promise<void>): Promise<void> {
  const conn = await connectRunning(loadConfig(), { db: true });
  try {
    await fn(conn.db!);
  } catch (error) {
    if (error instanceof AftersalesError) throw new InputError(`${error.message} [${error.code}]`);
    throw error;
  } finally {
    await conn.close();
  }
}

function ticketId(value: string): number {
  if (!/^[1-9]\d{0,15}$/.test(value)) throw new InputError(`TICKET: a ticket number (as create printed it), got ${JSON.stringify(value)}`);
  return Number(value);
}

/** `--line 2` (every unit of line 2) or `--line 2:1` (one unit), repeatable. */
function lineOption(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseLines(values: readonly string[]): RequestedLine[] {
  return values.map((value) => {
    const match = /^([^:\s]+)(?::(\d+))?$/.exec(value);
    if (!match) throw new InputError(`--line: LINE or LINE:QTY (e.g. 2:1), got ${JSON.stringify(value)}`);
    const qty = match[2] === undefined ? Number.NaN : Number(match[2]);
    if (match[2] !== undefined && qty < 1) throw new InputError(`--line: quantity must be at least 1, got ${JSON.stringify(value)}`);
    return { lineId: match[1]!, qty };
  });
}

const byOption = () => new Option('--by <name>', 'who does it (recorded on the event)').default(os.userInfo().username);

/** One state change of a ticket as a subcommand: `ordersurge aftersales approve 7`. */
function move(name: string, description: string, options: Option[], commandOf: (opts: Record<string, string>) => TicketCommand): Command {
  const command = new Command(name).description(description).argument('<ticket>', 'ticket number');
  for (const option of [...options, byOption()]) command.addOption(option);
  return command.action(
    action(async (ticket: string, opts: Record<string, string>) => {
      const id = ticketId(ticket);
      const cmd = commandOf(opts);
      await withDb(async (db) => {
        const moved = await applyTicketCommand(db, id, cmd, opts.by ?? 'operator');
        const effects = moved.effects.filter((e) => e.kind !== 'pay_refund').map((e) => e.kind);
        console.log(`ticket ${id}: ${moved.from} -> ${moved.to}${effects.length > 0 ? ` (${effects.join(', ')})` : ''}`);
      });
    }),
  );
}

function required(opts: Record<string, string>, name: string): string {
  const value = opts[name]?.trim();
  if (!value) throw new InputError(`--${name}: must not be empty`);
  return value;
}

export function aftersalesCommand(): Command {
  const aftersales = new Command('aftersales').description('after-sales tickets (refund only, return and refund, exchange): open, approve or reject, track the return, inspect, refund or ship the exchange');
  aftersales
    .command('create')
    .description('open a ticket on an order; the refund is valued from the lines\' apportioned payables, to the fen')
    .argument('<order>', 'CHANNEL:EXTERNAL_ID')
    .addOption(new Option('--type <type>', 'what the buyer asks for').choices(Object.keys(TYPES)).makeOptionMandatory())
    .option('--line <line[:qty]>', 'a line and how many of its units (all when no qty); repeat for more lines; none: every unit not yet refunded', lineOption)
    .option('--ticket-id <id>', "the platform's ticket id: creating the same one again changes nothing (an operator's ticket gets a new id)")
    .option('--shop <code>', "the shop the ticket belongs to (the order's shop account by default)")
    .option('--reason <text>', 'why the buyer asks', '')
    .option('--complaint', 'the buyer complained (counted by the complaint-rate KPI)')
    .option('--shipping', "refund the order's shipping fee too (all of it, once per order; not for an exchange)")
    .addOption(byOption())
    .action(
      action(async (order: string, opts: { type: string; line?: string[]; ticketId?: string; shop?: string; reason: string; complaint?: boolean; shipping?: boolean; by: string }) => {
        const orderId = parseOrderId(order);
        const requested = parseLines(opts.line ?? []);
        await withDb(async (db) => {
          // A line named without a quantity means all of it: take its size from the order.
          const sizes = new Map((await db.selectFrom('order_lines').select(['line_id', 'qty']).where('order_id', '=', orderId).execute()).map((l) => [l.line_id, l.qty]));
          const lines = requested.map((l) => (Number.isNaN(l.qty) ? { lineId: l.lineId, qty: sizes.get(l.lineId) ?? 1 } : l));
          const { id, created } = await createTicket(db, {
            orderId,
            type: TYPES[opts.type]!,
            platformTicketId: opts.ticketId ?? `ops-${randomUUID()}`,
            ...(opts.shop === undefined ? {} : { shop: opts.shop }),
            lines,
            reason: opts.reason,
            complaint: opts.complaint ?? false,
            actor: opts.by,
            refundShipping: opts.shipping ?? false,
          });
          const detail = (await loadTicketDetail(db, id))!;
          console.log(`${created ? 'created' : 'already there:'} ${headline(detail)}`);
        });
      }),
    );
  aftersales
    .command('list')
    .description('tickets, newest first')
    .addOption(new Option('--state <state>', 'only tickets in this state').choices([...TICKET_STATES]))
    .option('--order <order>', 'only tickets of this order (CHANNEL:EXTERNAL_ID)')
    .option('--limit <n>', 'at most this many', positiveIntOption('--limit'), 100)
    .option('--json', 'print JSON: [{ id, shop, platformTicketId, orderId, type, state, refundFen, complaint, createdAt, updatedAt }]')
    .action(
      action(async (opts: { state?: TicketState; order?: string; limit: number; json?: boolean }) => {
        const orderId = opts.order === undefined ? undefined : parseOrderId(opts.order);
        await withDb(async (db) => {
          const rows = await listTickets(db, { ...(opts.state ? { state: opts.state } : {}), ...(orderId ? { orderId } : {}), limit: opts.limit });
          if (opts.json) {
            console.log(JSON.stringify(rows.map((r) => ({ id: r.id, shop: r.shop, platformTicketId: r.platform_ticket_id, orderId: r.order_id, type: r.type, state: r.state, refundFen: r.refund_fen, complaint: r.complaint, createdAt: timeJson(r.created_at), updatedAt: timeJson(r.updated_at) })), null, 2));
            return;
          }
          if (rows.length === 0) console.log('no tickets');
          for (const r of rows) console.log(`${String(r.id).padStart(6)}  ${r.state.padEnd(16)} ${typeText(r.type).padEnd(17)} ${r.order_id}  refund ${formatYuan(r.refund_fen)}${r.complaint ? '  complaint' : ''}  ${timeText(r.updated_at)}`);
        });
      }),
    );
  aftersales
    .command('show')
    .description('one ticket: its lines and refund, the return and exchange waybills, and every event')
    .argument('<ticket>', 'ticket number')
    .option('--json', 'print JSON (amounts in fen, times ISO-8601 with offset)')
    .action(
      action(async (ticket: string, opts: { json?: boolean }) => {
        const id = ticketId(ticket);
        await withDb(async (db) => {
          const t = await loadTicketDetail(db, id);
          if (!t) throw new InputError(`TICKET: no after-sales ticket ${id}`);
          if (opts.json) {
            console.log(JSON.stringify({ ...t, created_at: timeJson(t.created_at), updated_at: timeJson(t.updated_at), events: t.events.map((e) => ({ ...e, at: timeJson(e.at) })), next: nextCommands(t.type, t.state) }, null, 2));
          } else {
            console.log(formatTicket(t));
          }
        });
      }),
    );
  aftersales.addCommand(move('approve', 'accept a requested ticket (a refund only for a whole order not yet waybilled stops it and releases its stock)', [], () => ({ kind: 'approve' })));
  aftersales.addCommand(move('reject', 'turn a requested ticket down', [new Option('--reason <text>', 'why, for the buyer').makeOptionMandatory()], (o) => ({ kind: 'reject', reason: required(o, 'reason') })));
  aftersales.addCommand(
    move('ship-return', "record the buyer's return parcel", [new Option('--waybill <no>', "the return parcel's waybill number").makeOptionMandatory(), new Option('--carrier <code>', 'its carrier').default('unknown')], (o) => ({ kind: 'ship_return', waybill: required(o, 'waybill'), carrier: required(o, 'carrier') })),
  );
  aftersales.addCommand(
    move(
      'receive',
      'the returned goods arrived and were inspected: sellable goes back into the warehouse\'s stock, damaged to its damaged count',
      [new Option('--warehouse <code>', 'the warehouse that received them').makeOptionMandatory(), new Option('--condition <condition>', 'what inspection found').choices([...CONDITIONS]).makeOptionMandatory()],
      (o) => ({ kind: 'receive', warehouse: required(o, 'warehouse'), condition: o.condition as 'sellable' | 'damaged' }),
    ),
  );
  aftersales.addCommand(move('refund', "pay the ticket's refund (refund only: once approved; return and refund: once received)", [], () => ({ kind: 'refund' })));
  aftersales
    .command('ship-exchange')
    .description('send the replacement of an exchange: a new order (CHANNEL:EXTERNAL_ID#xTICKET, nothing to pay) handed to routing, which reserves it; pick, waybill and notify ship it. Safe to repeat')
    .argument('<ticket>', 'ticket number')
    .addOption(byOption())
    .action(
      action(async (ticket: string, opts: { by: string }) => {
        const id = ticketId(ticket);
        const conn = await connectRunning(loadConfig(), { db: true, bus: true });
        try {
          const shipped = await shipExchange(conn.db!, routingPublisher(conn.bus!.js, conn.names), id, opts.by);
          if (shipped.kind === 'moved') {
            console.log(`ticket ${id}: ${shipped.applied.from} -> ${shipped.applied.to} (replacement order ${shipped.applied.replacementOrder.id} handed to routing)`);
          } else {
            const { replacementOrder: r } = shipped;
            console.log(`ticket ${id}: already exchange_shipped; replacement order ${r.id} is ${r.status}${shipped.handedAgain ? ' (handed to routing again)' : ''}`);
          }
        } catch (error) {
          if (error instanceof AftersalesError) throw new InputError(`${error.message} [${error.code}]`);
          throw error;
        } finally {
          await conn.close();
        }
      }),
    );
  return aftersales;
}

function headline(t: TicketDetail): string {
  return `ticket ${t.id} (${t.shop}/${t.platform_ticket_id}) ${typeText(t.type)} on ${t.order_id}: ${t.state}, refund ${formatYuan(t.refund_fen)}`;
}

function formatTicket(t: TicketDetail): string {
  const out = [headline(t)];
  if (t.reason || t.complaint) out.push(`  reason: ${t.reason || '-'}${t.complaint ? ' (complaint)' : ''}`);
  for (const l of t.lines) out.push(`  line ${l.line_id}  ${l.sku} x${l.qty}  refund ${formatYuan(l.refund_fen)}`);
  if (t.shipping_refund_fen > 0) out.push(`  shipping fee  refund ${formatYuan(t.shipping_refund_fen)}`);
  if (t.return_waybill) out.push(`  return parcel: ${t.return_carrier} ${t.return_waybill}`);
  if (t.received_warehouse) out.push(`  received at ${t.received_warehouse}: ${t.condition}`);
  if (t.exchange_waybill) out.push(`  exchange sent from ${t.exchange_warehouse}: ${t.exchange_carrier} ${t.exchange_waybill}`);
  if (t.replacement) {
    const r = t.replacement;
    out.push(`  replacement order ${r.orderId}: ${r.status}${r.exceptionType ? ` (${r.exceptionType})` : ''}`);
    for (const s of r.shipments) out.push(`    shipment ${s.id} from ${s.warehouse}: ${s.waybill_no === null ? 'waybill (pending)' : `${s.carrier ?? '-'} ${s.waybill_no}`}`);
  }
  const next = nextCommands(t.type, t.state);
  out.push(`  next: ${next.length === 0 ? 'closed' : next.map((n) => n.replace('_', '-')).join(', ')}`);
  out.push('  events:');
  for (const e of t.events) out.push(`    ${timeText(e.at)}  ${e.type.padEnd(13)} ${e.from_state ?? '-'} -> ${e.to_state}  by ${e.actor}`);
  return out.join('\n');
}
