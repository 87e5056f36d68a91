import type { ConnectorCursor } from '../sql/queries/connector-cursors.ts';
import type { ShopAuthState } from '../sql/queries/shop-accounts.ts';

/**
 * One shop account's intake as `status` and the console show it: its connector's cursor and
 * health (when it has been polled) and whether the shop must be re-authorised.
 */
export interface ShopConnector {
  channel: string;
  shop: string;
  /** False for an account polled by URL only (`--platform-url`), never registered with `shops add`. */
  registered: boolean;
  /** Null until the account's first poll. */
  cursorAt: Date | null;
  /** When a poll last completed a window and stored the cursor; null: never. */
  lastAdvancedAt: Date | null;
  published: number;
  failures: number;
  consecutiveFailures: number;
  lastError: string | null;
  /** Set while the last token refresh failed: nothing comes in until the shop is re-authorised. */
  reauthorise: { since: Date; error: string } | null;
}

/**
 * Joins the connector cursors with the registered shop accounts, one row per (channel, shop):
 * an account not polled yet has no cursor, a cursor of an unregistered account (polled by URL)
 * no authorisation. Ordered by channel, then shop.
 *
 * @example
 * shopConnectors(await listCursors(db), await listShopAuthStates(db)).filter((s) => s.reauthorise)
 */
export function shopConnectors(cursors: readonly ConnectorCursor[], accounts: readonly ShopAuthState[]): ShopConnector[] {
  const rows = new Map<string, ShopConnector>();
  const key = (channel: string, shop: string): string => `${channel}\u0000${shop}`;
  for (const c of cursors) {
    rows.set(key(c.channel, c.shop), {
      channel: c.channel,
      shop: c.shop,
      registered: false,
      cursorAt: c.cursorAt,
      lastAdvancedAt: c.lastSuccessAt,
      published: c.published,
      failures: c.failures,
      consecutiveFailures: c.consecutiveFailures,
      lastError: c.lastError,
      reauthorise: null,
    });
  }
  for (const a of accounts) {
    const reauthorise = a.refreshFailedAt ? { since: a.refreshFailedAt, error: a.refreshError ?? '' } : null;
    const existing = rows.get(key(a.channel, a.code));
    rows.set(
      key(a.channel, a.code),
      existing
        ? { ...existing, registered: true, reauthorise }
        : { channel: a.channel, shop: a.code, registered: true, cursorAt: null, lastAdvancedAt: null, published: 0, failures: 0, consecutiveFailures: 0, lastError: null, reauthorise },
    );
  }
  return [...rows.values()].sort((a, b) => (a.channel === b.channel ? (a.shop < b.shop ? -1 : a.shop > b.shop ? 1 : 0) : a.channel < b.channel ? -1 : 1));
}

/** The accounts whose last token refresh failed: each must be re-authorised (`ordersurge shops add CODE ...` with new tokens). */
export function shopsToReauthorise(shops: readonly ShopConnector[]): (ShopConnector & { reauthorise: { since: Date; error: string } })[] {
  return shops.filter((s): s is ShopConnector & { reauthorise: { since: Date; error: string } } => s.reauthorise !== null);
}

/** How long ago `then` was at `now`, for "advanced 3m05s ago"; 'never' without a time. */
export function agoText(then: Date | null, now: Date): string {
  if (then === null) return 'never';
  const s = Math.max(0, (now.getTime() - then.getTime()) / 1000);
  if (s < 60) return `${Math.floor(s)}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m ago`;
  return `${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h ago`;
}
