import { sql } from 'kysely';
import type { Db } from '../database.ts';

/** A `shop_accounts` row as stored: the app secret and the tokens sealed (`KEYID:BASE64`). */
export interface ShopAccountRow {
  code: string;
  channel: string;
  display_name: string;
  api_base_url: string;
  app_key: string;
  app_secret: string;
  access_token: string;
  refresh_token: string;
  token_expires_at: Date | null;
  refreshed_at: Date | null;
  refresh_failed_at: Date | null;
  refresh_error: string | null;
  created_at: Date;
  updated_at: Date;
}

/** What `shops add` writes: the account and its sealed credentials. */
export type ShopAccountValues = Pick<ShopAccountRow, 'code' | 'channel' | 'display_name' | 'api_base_url' | 'app_key' | 'app_secret' | 'access_token' | 'refresh_token' | 'token_expires_at'>;

/** Adds the account, or replaces every field of the one with its code (a refresh failure is cleared). */
export async function putShopAccount(db: Db, values: ShopAccountValues): Promise<void> {
  await db
    .insertInto('shop_accounts')
    .values(values)
    .onConflict((oc) =>
      oc.column('code').doUpdateSet({
        ...values,
        refresh_failed_at: null,
        refresh_error: null,
        updated_at: sql<Date>`now()`,
      }),
    )
    .execute();
}

export async function listShopAccountRows(db: Db, channel?: string): Promise<ShopAccountRow[]> {
  let query = db.selectFrom('shop_accounts').selectAll().orderBy('channel').orderBy('code');
  if (channel !== undefined) query = query.where('channel', '=', channel);
  return query.execute();
}

export async function readShopAccountRow(db: Db, code: string): Promise<ShopAccountRow | undefined> {
  return db.selectFrom('shop_accounts').selectAll().where('code', '=', code).executeTakeFirst();
}

/** Removes the account; its orders and cursor stay. Returns whether there was one. */
export async function removeShopAccount(db: Db, code: string): Promise<boolean> {
  const result = await db.deleteFrom('shop_accounts').where('code', '=', code).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Keeps a refreshed token pair (sealed) and clears a refresh failure. */
export async function storeShopTokens(db: Db, code: string, tokens: Pick<ShopAccountRow, 'access_token' | 'refresh_token' | 'token_expires_at'>): Promise<void> {
  await db
    .updateTable('shop_accounts')
    .set({ ...tokens, refreshed_at: sql<Date>`now()`, refresh_failed_at: null, refresh_error: null, updated_at: sql<Date>`now()` })
    .where('code', '=', code)
    .execute();
}

/** Records that a refresh failed (the shop must be re-authorized); the old tokens stay. */
export async function recordRefreshFailure(db: Db, code: string, error: string): Promise<void> {
  await db
    .updateTable('shop_accounts')
    .set({ refresh_failed_at: sql<Date>`now()`, refresh_error: error, updated_at: sql<Date>`now()` })
    .where('code', '=', code)
    .execute();
}

/** An account's authorisation as `status` and the console show it: never its secret or tokens. */
export interface ShopAuthState {
  code: string;
  channel: string;
  displayName: string;
  tokenExpiresAt: Date | null;
  refreshedAt: Date | null;
  /** Set while the last refresh failed: the shop must be re-authorised. */
  refreshFailedAt: Date | null;
  refreshError: string | null;
}

/** Every account's authorisation state, by channel and code; the sealed columns are not read at all. */
export async function listShopAuthStates(db: Db): Promise<ShopAuthState[]> {
  const rows = await db
    .selectFrom('shop_accounts')
    .select(['code', 'channel', 'display_name', 'token_expires_at', 'refreshed_at', 'refresh_failed_at', 'refresh_error'])
    .orderBy('channel')
    .orderBy('code')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    channel: r.channel,
    displayName: r.display_name,
    tokenExpiresAt: r.token_expires_at,
    refreshedAt: r.refreshed_at,
    refreshFailedAt: r.refresh_failed_at,
    refreshError: r.refresh_error,
  }));
}
