import { sql, type Kysely } from 'kysely';

/** Routing counts each warehouse's parcels of the day against its daily capacity: an index range, not a scan. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index shipments_warehouse_created on shipments (warehouse, created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists shipments_warehouse_created`.execute(db);
}
