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

/** What an intake (a webhook, `submit`) needs of the shop account a delivery names. */
export interface NamedShop {
  code: string;
  channel: Channel;
  /** Shopify signs a store's webhooks with its app's secret; opened only by a lookup given the keyring. */
  appSecret?: Secret;
}

/** Finds a shop account by code; undefined when none is registered under it. */
export type ShopLookup = (code: string) => Promise<NamedShop | undefined>;

/** Why an intake refuses the shop it was given; the message names the shop and what to do. */
export class ShopNotValidError extends Error {
  readonly code = 'SHOP_NOT_VALID';
  override name = 'ShopNotValidError';
}

/**
 * The shop a delivery of `channel` names, checked against the registered accounts: a code of
 * letters, digits and `_ . -`, registered (`ordersurge shops add`), and an account of that channel.
 * A channel's own name is its default account and needs no registration. Returns the account
 * (undefined for the default one) or throws {@link ShopNotValidError}.
 *
 * @example
 * await namedShop('tmall', 'tmall-outlet', lookup) // { code: 'tmall-outlet', channel: 'tmall', ... }
 * await namedShop('jd', 'tmall-outlet', lookup)    // throws: a tmall account, not jd
 */
export async function namedShop(channel: Channel, code: string, lookup: ShopLookup): Promise<NamedShop | undefined> {
  if (!SHOP_CODE.test(code)) throw new ShopNotValidError(`shop: ${JSON.stringify(code)} is not a shop account code (letters, digits, _ . -, at most 64)`);
  const account = await lookup(code);
  if (account === undefined) {
    if (code === channel) return undefined;
    throw new ShopNotValidError(`shop: no shop account ${JSON.stringify(code)}; register it with \`ordersurge shops add ${code} --channel ${channel} ...\` (see \`ordersurge shops list\`)`);
  }
  if (account.channel !== channel) throw new ShopNotValidError(`shop: ${code} is a ${account.channel} account, not ${channel}`);
  return account;
}

/**
 * Looks shop accounts up in Postgres, keeping each one found for `ttlMs` (default 30 s): a burst
 * of webhooks costs one query per shop, and an account added or replaced is seen within that time.
 * Codes not found are asked again every time (they are not kept, so made-up codes cannot fill memory).
 * Without `keyring` the app secret is not opened (what `submit` needs is the channel); with it,
 * the keyring is asked for only when an account is opened, so a webhook server of a machine
 * without the buyer-data key still takes the deliveries that name no shop.
 */
export function shopLookup(db: Db, keyring?: () => PiiKeyring, ttlMs = 30_000): ShopLookup {
  const found = new Map<string, { account: NamedShop; until: number }>();
  return async (code) => {
    const now = Date.now();
    const kept = found.get(code);
    if (kept && kept.until > now) return kept.account;
    const row = await readShopAccountRow(db, code);
    if (!row) {
      found.delete(code);
      return undefined;
    }
    const channel = channelSchema.safeParse(row.channel);
    if (!channel.success) throw new RangeError(`shop_accounts ${row.code}: channel: unknown channel ${JSON.stringify(row.channel)}`);
    const account: NamedShop = keyring ? { code, channel: channel.data, appSecret: accountOf(row, keyring()).appSecret } : { code, channel: channel.data };
    found.set(code, { account, until: now + ttlMs });
    return account;
  };
}
