import { Command } from 'commander';
import { ticketLinksOfOrder } from '../../sql/queries/aftersales.ts';
import { invoicesOf } from '../../sql/queries/invoices.ts';
import { loadOrderDetail } from '../../sql/queries/orders.ts';
import { listOrders, type OrderListRow } from '../../sql/queries/order-list.ts';
import { ORDER_STATUSES, type OrderStatus } from '../../streams/pipeline.ts';
import { formatYuan } from '../../streams/money.ts';
import { cell } from '../text-cell.ts';
import { timeCell, timeJson, zoneHeader } from '../time-display.ts';
import { CHANNELS, channelSchema } from '../../streams/canonical-order.ts';
import { loadConfig } from '../config.ts';
import { formatOrder, orderView } from '../order-view.ts';
import { action, InputError, positiveIntOption } from '../run-action.ts';
import { connectRunning } from '../servers.ts';

/** Checks the CLI's order address, `CHANNEL:EXTERNAL_ID`. */
export function parseOrderId(value: string): string {
  const colon = value.indexOf(':');
  const channel = value.slice(0, colon);
  if (colon < 1 || colon === value.length - 1) {
    throw new InputError(`ID: an order is addressed as CHANNEL:EXTERNAL_ID (e.g. shop:5012345), got ${JSON.stringify(value)}`);
  }
  if (!channelSchema.safeParse(channel).success) {
    throw new InputError(`ID: unknown channel ${JSON.stringify(channel)} in ${JSON.stringify(value)}; one of ${CHANNELS.join(', ')}`);
  }
  return value;
}

export function orderCommand(): Command {
  const order = new Command('order').description('look at orders');
  order
    .command('show')
    .description('an order with its lines, amounts (yuan), pricing, routing, shipments and events')
    .argument('<id>', 'CHANNEL:EXTERNAL_ID, e.g. shop:5012345')
    .option('--json', 'print JSON (whole values, amounts in integer fen, times ISO-8601 with offset)')
    .action(
      action(async (id: string, opts: { json?: boolean }) => {
        const orderId = parseOrderId(id);
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const detail = await loadOrderDetail(conn.db!, orderId);
          if (!detail) throw new InputError(`ID: no order ${orderId}`);
          const view = orderView(detail, await ticketLinksOfOrder(conn.db!, orderId), await invoicesOf(conn.db!, orderId));
          console.log(opts.json ? JSON.stringify(view, null, 2) : formatOrder(view));
        } finally {
          await conn.close();
        }
      }),
    );
  order
    .command('list')
    .description('orders by status, exception type, channel, shop and time, most recently changed first: from "exception 72" in status to which orders')
    .option('--status <status>', `one of ${ORDER_STATUSES.join(', ')}`, parseStatus)
    .option('--exception <type>', 'exception orders of this type (backorder, payment_mismatch, bad_address, ...; see docs/runbook.md)')
    .option('--channel <channel>', `one of ${CHANNELS.join(', ')}`, parseChannel)
    .option('--shop <code>', "orders of this shop account (its code, as ordersurge shops list shows it; a channel's default account is named after the channel)")
    .option('--since <time>', 'changed since: a duration back from now (90s, 30m, 2h, 1d) or an ISO-8601 time with its offset', parseSince)
    .option('--limit <n>', 'at most this many', positiveIntOption('--limit'), 50)
    .option('--json', 'print JSON (whole ids, amounts in fen, times ISO-8601 with offset)')
    .addHelpText('after', '\nText: ids shortened to fit 80 columns, paid in yuan; --json: whole ids, paid in fen.')
    .action(
      action(async (opts: { status?: OrderStatus; exception?: string; channel?: string; shop?: string; since?: Date; limit: number; json?: boolean }) => {
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const rows = await listOrders(conn.db!, { status: opts.status, exceptionType: opts.exception, channel: opts.channel, shop: opts.shop, since: opts.since, limit: opts.limit });
          if (opts.json) {
            const view = rows.map((r) => ({ id: r.id, channel: r.channel, shop: r.shop, status: r.status, exception: r.exceptionType ? { type: r.exceptionType, detail: r.exceptionDetail } : null, paid: r.paidFen, placedAt: timeJson(r.placedAt), changedAt: timeJson(r.modifiedAt) }));
            console.log(JSON.stringify(view, null, 2));
            return;
          }
          console.log(formatOrderList(rows));
        } finally {
          await conn.close();
        }
      }),
    );
  return order;
}

/** The list as a table that fits 80 columns; an exception shows its type where the status goes. */
export function formatOrderList(rows: readonly OrderListRow[]): string {
  if (rows.length === 0) return 'no orders match';
  // 20 + 29 + 10 + 14 and the gaps: 79 columns.
  const header = `${cell('order', 20)}  ${cell('status / !exception', 29)}  ${cell('paid, yuan', 10, 'right')}  changed ${zoneHeader()}`;
  const lines = rows.map((r) => `${cell(r.id, 20)}  ${cell(r.status === 'exception' ? `!${r.exceptionType ?? 'exception'}` : r.status, 29)}  ${cell(formatYuan(r.paidFen), 10, 'right')}  ${timeCell(r.modifiedAt)}`);
  return [header, ...lines].join('\n');
}

function parseStatus(value: string): OrderStatus {
  if (!(ORDER_STATUSES as readonly string[]).includes(value)) throw new InputError(`--status: unknown status ${JSON.stringify(value)}; one of ${ORDER_STATUSES.join(', ')}`);
  return value as OrderStatus;
}

function parseChannel(value: string): string {
  if (!channelSchema.safeParse(value).success) throw new InputError(`--channel: unknown channel ${JSON.stringify(value)}; one of ${CHANNELS.join(', ')}`);
  return value;
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: a duration back from now, or an ISO-8601 time with an offset (a time without one would be ambiguous). */
export function parseSince(value: string, now: Date = new Date()): Date {
  const duration = /^(\d+)([smhd])$/.exec(value.trim());
  if (duration) return new Date(now.getTime() - Number(duration[1]) * DURATION_UNITS[duration[2]!]!);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value.trim())) {
    const at = new Date(value.trim());
    if (!Number.isNaN(at.getTime())) return at;
  }
  throw new InputError(`--since: expected a duration (90s, 30m, 2h, 1d) or an ISO-8601 time with its offset (2026-11-11T00:00:00+08:00), got ${JSON.stringify(value)}`);
}
