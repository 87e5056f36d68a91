import { sql } from 'kysely';
import type { Db, OrderStatus } from '../database.ts';

/** What `ordersurge order list` filters on; every field narrows the list. */
export interface OrderListFilter {
  status?: OrderStatus | undefined;
  exceptionType?: string | undefined;
  channel?: string | undefined;
  /** The shop account's code (`ordersurge shops list`; a channel's default account is named after the channel). */
  shop?: string | undefined;
  /** Orders changed (status, exception, update) at or after this time. */
  since?: Date | undefined;
  limit: number;
}

/** One order of the list: enough to pick the one to `order show`. */
export interface OrderListRow {
  id: string;
  channel: string;
  shop: string;
  status: OrderStatus;
  exceptionType: string | null;
  exceptionDetail: string | null;
  paidFen: number;
  placedAt: Date;
  modifiedAt: Date;
}

/** Orders matching `filter`, most recently changed first. */
export async function listOrders(db: Db, filter: OrderListFilter): Promise<OrderListRow[]> {
  let query = db
    .selectFrom('orders')
    .select(['id', 'channel', 'shop', 'status', 'exception_type', 'exception_detail', 'paid_fen', 'placed_at', 'modified_at'])
    .orderBy('modified_at', 'desc')
    .orderBy('id')
    .limit(filter.limit);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.exceptionType) query = query.where('status', '=', 'exception').where('exception_type', '=', filter.exceptionType);
  if (filter.channel) query = query.where('channel', '=', filter.channel);
  if (filter.shop) query = query.where('shop', '=', filter.shop);
  if (filter.since) query = query.where('modified_at', '>=', filter.since);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    shop: r.shop,
    status: r.status,
    exceptionType: r.exception_type,
    exceptionDetail: r.exception_detail,
    paidFen: r.paid_fen,
    placedAt: r.placed_at,
    modifiedAt: r.modified_at,
  }));
}

/** Exception orders per exception type (of those created since `since`, or all), largest first. */
export async function countExceptionsByType(db: Db, since?: Date): Promise<Record<string, number>> {
  let query = db
    .selectFrom('orders')
    .select([sql<string>`coalesce(exception_type, 'unknown')`.as('type'), sql<number>`count(*)::int`.as('n')])
    .where('status', '=', 'exception')
    .groupBy('exception_type')
    .orderBy('n', 'desc');
  if (since) query = query.where('created_at', '>=', since);
  const rows = await query.execute();
  return Object.fromEntries(rows.map((r) => [r.type, r.n]));
}
