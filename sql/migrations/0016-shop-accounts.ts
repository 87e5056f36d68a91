import { sql, type Kysely } from 'kysely';

/**
 * Shop accounts as data: one row per seller account on a platform (two Tmall stores are two rows),
 * with where its API answers and the credentials a connector signs and authorizes with. The app
 * secret and the tokens are sealed with the PII keyring (`KEYID:BASE64`, AES-256-GCM), so neither a
 * dump of the table nor a stray `select *` shows them; `shops show` masks them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table shop_accounts (
      -- what orders.shop and connector_cursors.shop hold
      code text primary key check (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
      channel text not null,
      display_name text not null,
      api_base_url text not null,
      app_key text not null,
      -- sealed
      app_secret text not null,
      access_token text not null default '',
      refresh_token text not null default '',
      -- when the access token stops working; null: it does not expire (or the platform did not say)
      token_expires_at timestamptz,
      refreshed_at timestamptz,
      -- the last failed refresh: the shop must be re-authorized while it is set
      refresh_failed_at timestamptz,
      refresh_error text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index shop_accounts_channel on shop_accounts (channel)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists shop_accounts`.execute(db);
}
