import { sql, type Kysely } from 'kysely';

/**
 * An exchange ships its replacement as an order of its own through routing, pick, waybill and
 * notify: `aftersales_tickets.exchange_order_id` links the ticket to that order. Unique, so one
 * ticket can never have two replacements; the order's id is derived from the ticket as well
 * (`CHANNEL:EXTERNAL_ID#xTICKET`), so a repeated insert finds the first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table aftersales_tickets add column exchange_order_id text unique references orders (id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table aftersales_tickets drop column if exists exchange_order_id`.execute(db);
}
