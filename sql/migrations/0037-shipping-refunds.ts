import { sql, type Kysely } from 'kysely';

/**
 * A money ticket may refund the order's shipping fee as well as its lines' units:
 * `aftersales_tickets.shipping_refund_fen` is that part of the ticket's `refund_fen` (which stays
 * the whole refund, so everything that adds refunds up, reconciliation included, counts it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table aftersales_tickets add column shipping_refund_fen bigint not null default 0 check (shipping_refund_fen >= 0 and shipping_refund_fen <= refund_fen)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table aftersales_tickets drop column if exists shipping_refund_fen`.execute(db);
}
