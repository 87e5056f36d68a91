import { sql, type Kysely } from 'kysely';

/**
 * Imported platform settlement files and their entries. A file is known by the SHA-256 of its
 * bytes, so importing it again changes nothing; an entry by (shop, the platform's serial number),
 * so two exports that overlap (a day's and a month's) count each entry once. `order_id` is our
 * order id (channel:external id), '' for an entry that names no order. Amounts are signed fen,
 * positive into the shop's account.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table settlement_files (
      sha256 text primary key,
      shop text not null,
      format text not null,
      file_name text not null,
      bytes bigint not null,
      rows_read integer not null default 0,
      rows_stored integer not null default 0,
      imported_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table settlement_lines (
      shop text not null,
      txn_id text not null,
      file_sha256 text not null references settlement_files (sha256),
      order_id text not null,
      kind text not null check (kind in ('sale', 'refund', 'fee', 'other')),
      amount_fen bigint not null,
      settled_at timestamptz not null,
      primary key (shop, txn_id)
    )`.execute(db);
  await sql`create index settlement_lines_order on settlement_lines (order_id) where order_id <> ''`.execute(db);
  await sql`create index settlement_lines_settled on settlement_lines (settled_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists settlement_lines`.execute(db);
  await sql`drop table if exists settlement_files`.execute(db);
}
