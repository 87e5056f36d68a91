import { sql } from 'kysely';
import type { Db } from '../database.ts';

/** An exception in the operator's queue. */
export interface QueuedException {
  id: string;
  channel: string;
  type: string;
  detail: string;
  since: Date;
}

/**
 * Orders in `exception` not resolved since they became one, oldest first, optionally of one type.
 * An order resolved and later raised again is back in the queue.
 */
export async function exceptionQueue(db: Db, opts: { type?: string; limit: number }): Promise<QueuedException[]> {
  const { rows } = await sql<QueuedException>`
    select o.id, o.channel, coalesce(o.exception_type, 'unknown') as type, coalesce(o.exception_detail, '') as detail, o.modified_at as since
      from orders o
     where o.status = 'exception'
       and (${opts.type ?? null}::text is null or o.exception_type = ${opts.type ?? null})
       and not exists (select 1 from exception_resolutions r where r.order_id = o.id and r.resolved_at >= o.modified_at)
     order by o.modified_at, o.id
     limit ${opts.limit}`.execute(db);
  return rows;
}

/** One exception order, whether resolved (and how) or not; undefined when the order is not an exception. */
export async function exceptionOf(db: Db, id: string): Promise<(QueuedException & { resolution: { note: string; by: string; at: Date } | null }) | undefined> {
  const { rows } = await sql<QueuedException & { note: string | null; resolved_by: string | null; resolved_at: Date | null }>`
    select o.id, o.channel, coalesce(o.exception_type, 'unknown') as type, coalesce(o.exception_detail, '') as detail, o.modified_at as since,
           r.note, r.resolved_by, r.resolved_at
      from orders o
      left join lateral (select * from exception_resolutions r where r.order_id = o.id and r.resolved_at >= o.modified_at order by r.resolved_at desc limit 1) r on true
     where o.id = ${id} and o.status = 'exception'`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const { note, resolved_by, resolved_at, ...rest } = row;
  return { ...rest, resolution: note !== null && resolved_by !== null && resolved_at !== null ? { note, by: resolved_by, at: resolved_at } : null };
}

/** Records an operator's resolution and an event; false when the order is not an exception. */
export async function resolveException(db: Db, id: string, note: string, by: string): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    with o as (
      select id, exception_type from orders where id = ${id} and status = 'exception' for update
    ), resolved as (
      insert into exception_resolutions (order_id, exception_type, note, resolved_by)
      select id, coalesce(exception_type, 'unknown'), ${note}, ${by} from o
    ), events as (
      insert into order_events (order_id, key, type, detail)
      select id, 'exception_resolved:' || clock_timestamp()::text, 'exception_resolved', jsonb_build_object('type', exception_type, 'note', ${note}::text, 'by', ${by}::text) from o
    )
    select id from o`.execute(db);
  return rows.length > 0;
}
