import { sql, type Kysely } from 'kysely';

/**
 * Pricing: the product catalogue (categories for category promotions), promotion rule sets as
 * versioned data, and what pricing decided for each order, kept for auditors.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table products (
      sku text primary key,
      category text not null,
      title text not null default '',
      updated_at timestamptz not null default now()
    )`.execute(db);

  // Append-only: a new version never changes an order already priced under an older one, and
  // the rows say who changed what and when.
  await sql`
    create table rule_sets (
      version serial primary key,
      rules jsonb not null,
      created_by text not null,
      note text not null default '',
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table order_pricing (
      order_id text primary key references orders (id),
      -- engine: priced by a rule set; platform: the platform's own prices checked and apportioned;
      -- check: no rule set yet, amounts checked only
      method text not null check (method in ('engine', 'platform', 'check')),
      rule_set_version integer references rule_sets (version),
      payable_fen bigint not null,
      result jsonb not null,
      priced_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists order_pricing`.execute(db);
  await sql`drop table if exists rule_sets`.execute(db);
  await sql`drop table if exists products`.execute(db);
}
