import { sql, type Kysely } from 'kysely';

/**
 * Interception of a cancelled order's parcel after its waybill: `requested` when the platform's
 * cancel arrives, `voided` once the carrier voided the number, `refused` when it would not (the
 * courier has the parcel: an operator's exception). The partial index keeps the sweep's look-up
 * to the few waiting shipments.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table shipments add column interception text check (interception in ('requested', 'voided', 'refused')), add column intercepted_at timestamptz`.execute(db);
  await sql`create index shipments_interception_requested on shipments (id) where interception = 'requested'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists shipments_interception_requested`.execute(db);
  await sql`alter table shipments drop column if exists intercepted_at, drop column if exists interception`.execute(db);
}
