import { sql, type Kysely } from 'kysely';

/**
 * The invoice the buyer asked for, as the canonical order carries it (`invoice`: title and
 * taxpayer number, read from the platform payload by the adapters). Null on an order that asked
 * for none, which is invoiced to an individual (个人), and on orders stored before this.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table orders add column if not exists invoice_title text, add column if not exists invoice_tax_no text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table orders drop column if exists invoice_tax_no, drop column if exists invoice_title`.execute(db);
}
