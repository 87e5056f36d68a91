import { sql, type Kysely } from 'kysely';

/** Updates of known orders: stale deliveries are counted per order. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table orders add column stale_updates integer not null default 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table orders drop column stale_updates`.execute(db);
}
