import type { Db } from '../../../sql/database.ts';
import { listShopAccountRows, putShopAccount, readShopAccountRow, storeShopTokens, type ShopAccountRow } from '../../../sql/queries/shop-accounts.ts';
import { channelSchema, type Channel } from '../../../streams/canonical-order.ts';
import type { PiiKeyring } from '../../../streams/pii/keyring.ts';
import { openPii, sealPii } from '../../../streams/pii/sealed-value.ts';
import { Secret } from './secret.ts';

/** The access token of a shop and when it stops working. */
export interface ShopTokens {
  accessToken: Secret;
  refreshToken: Secret;
  /** Undefined: the platform did not say (or it does not expire). */
  expiresAt: Date | undefined;
}

/** A seller account on one platform, credentials opened (but never printable: see {@link Secret}). */
export interface ShopAccount extends ShopTokens {
  code: string;
  channel: Channel;
  displayName: string;
  apiBaseUrl: string;
  appKey: string;
  appSecret: Secret;
  refreshedAt: Date | undefined;
  /** Set while the last refresh failed: the shop must be re-authorized. */
  refreshFailure: { at: Date; error: string } | undefined;
}

/** What an operator (or the demo) registers. */
export type NewShopAccount = Omit<ShopAccount, 'refreshedAt' | 'refreshFailure'>;

/** Account codes: what orders and cursors carry; letters, digits, `_ . -`, at most 64. */
export const SHOP_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Adds or replaces an account, sealing its secret and tokens. */
export async function saveShopAccount(db: Db, account: NewShopAccount, keyring: PiiKeyring): Promise<void> {
  await putShopAccount(db, {
    code: account.code,
    channel: account.channel,
    display_name: account.displayName,
    api_base_url: account.apiBaseUrl,
    app_key: account.appKey,
    app_secret: sealPii(account.appSecret.reveal(), keyring),
    access_token: sealPii(account.accessToken.reveal(), keyring),
    refresh_token: sealPii(account.refreshToken.reveal(), keyring),
    token_expires_at: account.expiresAt ?? null,
  });
}

export async function loadShopAccounts(db: Db, keyring: PiiKeyring, channel?: Channel): Promise<ShopAccount[]> {
  return (await listShopAccountRows(db, channel)).map((row) => accountOf(row, keyring));
}

export async function loadShopAccount(db: Db, code: string, keyring: PiiKeyring): Promise<ShopAccount | undefined> {
  const row = await readShopAccountRow(db, code);
  return row && accountOf(row, keyring);
}

/** Keeps a refreshed pair, sealed. */
export async function saveShopTokens(db: Db, code: string, tokens: ShopTokens, keyring: PiiKeyring): Promise<void> {
  await storeShopTokens(db, code, {
    access_token: sealPii(tokens.accessToken.reveal(), keyring),
    refresh_token: sealPii(tokens.refreshToken.reveal(), keyring),
    token_expires_at: tokens.expiresAt ?? null,
  });
}

function accountOf(row: ShopAccountRow, keyring: PiiKeyring): ShopAccount {
  const channel = channelSchema.safeParse(row.channel);
  if (!channel.success) throw new RangeError(`shop_accounts ${row.code}: channel: unknown channel ${JSON.stringify(row.channel)}`);
  return {
    code: row.code,
    channel: channel.data,
    displayName: row.display_name,
    apiBaseUrl: row.api_base_url,
    appKey: row.app_key,
    appSecret: new Secret(openPii(row.app_secret, keyring)),
    accessToken: new Secret(openPii(row.access_token, keyring)),
    refreshToken: new Secret(openPii(row.refresh_token, keyring)),
    expiresAt: row.token_expires_at ?? undefined,
    refreshedAt: row.refreshed_at ?? undefined,
    refreshFailure: row.refresh_failed_at ? { at: row.refresh_failed_at, error: row.refresh_error ?? '' } : undefined,
  };
}
