import { sql, type Kysely } from 'kysely';

/**
 * An operator's resolution of an exception (`ordersurge exceptions resolve ID --note`): who, when,
 * why. A resolved exception leaves the queue; the order keeps its status and history.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table exception_resolutions (
      order_id text not null references orders (id),
      exception_type text not null,
      note text not null,
      resolved_by text not null,
      resolved_at timestamptz not null default now(),
      primary key (order_id, resolved_at)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists exception_resolutions`.execute(db);
}
