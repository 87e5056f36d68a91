import { errorText } from '../../error-text.ts';
import { Secret } from './secret.ts';
import type { ShopTokens } from './shop-accounts.ts';

/** What a platform's refresh call gives back. */
export interface RefreshedTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds the new access token lives; undefined when the platform did not say. */
  expiresInS: number | undefined;
}

/** A platform's token refresh call: the refresh token in, a new pair out. */
export type TokenRefresher = (refreshToken: Secret, signal: AbortSignal) => Promise<RefreshedTokens>;

/** The platform said the access token is expired or invalid (TOP 27, JD 19, Douyin 30002, Pinduoduo 10019). */
export class TokenExpiredError extends Error {
  readonly code = 'TOKEN_EXPIRED';
  override name = 'TokenExpiredError';
}

/** A refresh the platform refused: the shop must be re-authorized (`shops add` with new tokens). */
export class TokenRefreshError extends Error {
  readonly code = 'TOKEN_REFRESH';
  override name = 'TokenRefreshError';
}

export interface ShopAuthOptions {
  appKey: string;
  appSecret: Secret;
  tokens: ShopTokens;
  /** Refresh this long before the access token expires; default 5 minutes. */
  refreshAheadMs?: number;
  /** Keep the new pair (Postgres) before it is used, so a restart never sends a replaced token. */
  onRefreshed?: (tokens: ShopTokens) => Promise<void>;
  /** Record and alert: the shop must be re-authorized. */
  onRefreshFailed?: (error: string) => Promise<void>;
  /**
   * The shop's tokens as stored now (Postgres). Read before every refresh: another process
   * (`count-check --shops`, a second `connect`) may have refreshed the shop and stored a new pair,
   * which retires the refresh token held here, or an operator re-authorised the shop (`shops add`).
   * A stored pair other than the one held is taken up instead of refreshing the held one.
   */
  reload?: () => Promise<ShopTokens | undefined>;
  /** Told when a stored pair was taken up. */
  onReloaded?: (tokens: ShopTokens) => void;
  now?: () => number;
}

const DEFAULT_AHEAD_MS = 5 * 60_000;

/**
 * A shop's credentials as a connector uses them: the app key and secret it signs with, and the
 * access token it sends, refreshed with the refresh token shortly before it expires and whenever the
 * platform says it has. One refresh at a time: concurrent callers share it.
 */
export class ShopAuth {
  readonly appKey: string;
  readonly appSecret: Secret;
  private tokens: ShopTokens;
  private refreshing: Promise<Secret> | undefined;

  constructor(private readonly opts: ShopAuthOptions) {
    this.appKey = opts.appKey;
    this.appSecret = opts.appSecret;
    this.tokens = opts.tokens;
  }

  get expiresAt(): Date | undefined {
    return this.tokens.expiresAt;
  }

  /** The access token to send now, refreshed first when it expires within the margin. */
  async accessToken(refresher: TokenRefresher, signal: AbortSignal): Promise<Secret> {
    const expiresAt = this.tokens.expiresAt?.getTime();
    const now = this.opts.now?.() ?? Date.now();
    if (expiresAt !== undefined && expiresAt - now <= (this.opts.refreshAheadMs ?? DEFAULT_AHEAD_MS)) return this.renew(refresher, signal);
    return this.tokens.accessToken;
  }

  /**
   * Refreshes now (the platform said the token expired); concurrent callers share one refresh.
   * Given the token the platform refused, a call that was already out with it when another
   * caller refreshed takes up the new token instead of spending the refresh token a second time.
   */
  renew(refresher: TokenRefresher, signal: AbortSignal, refused?: Secret): Promise<Secret> {
    if (!this.refreshing && refused && refused.reveal() !== this.tokens.accessToken.reveal()) return Promise.resolve(this.tokens.accessToken);
    this.refreshing ??= this.refresh(refresher, signal).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refresh(refresher: TokenRefresher, signal: AbortSignal): Promise<Secret> {
    const stored = await this.opts.reload?.();
    if (stored && !sameTokens(stored, this.tokens)) {
      this.tokens = stored;
      this.opts.onReloaded?.(stored);
      // A pair that is not about to expire is used as it is; one that is, is refreshed with its own refresh token.
      const expiresAt = stored.expiresAt?.getTime();
      if (expiresAt === undefined || expiresAt - (this.opts.now?.() ?? Date.now()) > (this.opts.refreshAheadMs ?? DEFAULT_AHEAD_MS)) return stored.accessToken;
    }
    let fresh: RefreshedTokens;
    try {
      if (this.tokens.refreshToken.isEmpty) throw new Error('no refresh token is stored');
      fresh = await refresher(this.tokens.refreshToken, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      const message = `token refresh failed: ${errorText(error)}`;
      await this.opts.onRefreshFailed?.(message);
      throw new TokenRefreshError(`${message}; re-authorize the shop and store its new tokens with \`ordersurge shops add\``);
    }
    const now = this.opts.now?.() ?? Date.now();
    const tokens: ShopTokens = {
      accessToken: new Secret(fresh.accessToken),
      refreshToken: new Secret(fresh.refreshToken || this.tokens.refreshToken.reveal()),
      expiresAt: fresh.expiresInS === undefined ? undefined : new Date(now + fresh.expiresInS * 1000),
    };
    await this.opts.onRefreshed?.(tokens);
    this.tokens = tokens;
    return tokens.accessToken;
  }
}

/**
 * Makes a signed call with the current access token; when the platform answers that the token
 * expired, refreshes it once and calls again.
 *
 * @example
 * const body = await withAccessToken(auth, refreshTop, signal, (token) => topCall(method, params, token));
 */
export async function withAccessToken<T>(auth: ShopAuth, refresher: TokenRefresher, signal: AbortSignal, call: (token: Secret) => Promise<T>): Promise<T> {
  const token = await auth.accessToken(refresher, signal);
  try {
    return await call(token);
  } catch (error) {
    if (!(error instanceof TokenExpiredError)) throw error;
    return call(await auth.renew(refresher, signal, token));
  }
}

function sameTokens(a: ShopTokens, b: ShopTokens): boolean {
  return a.accessToken.reveal() === b.accessToken.reveal() && a.refreshToken.reveal() === b.refreshToken.reveal();
}
