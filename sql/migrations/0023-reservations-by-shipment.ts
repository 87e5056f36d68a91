import { sql, type Kysely } from 'kysely';

/**
 * The pick step reads a shipment's held reservations (its pick list), the confirm-shipped feed
 * turns them `shipped` and the pick sweep finds a cancelled parcel's orders by them: each by
 * shipment, which scanned the whole table without this index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists reservations_shipment on reservations (shipment_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists reservations_shipment`.execute(db);
}
