import { describe, expect, it } from 'vitest';
import { Secret } from './secret.ts';
import type { ShopTokens } from './shop-accounts.ts';
import { ShopAuth, TokenExpiredError, withAccessToken, type TokenRefresher } from './shop-auth.ts';

const NOW = Date.parse('2026-12-07T10:00:00Z');
const pair = (name: string, expiresInMs: number | undefined): ShopTokens => ({
  accessToken: new Secret(`at-${name}`),
  refreshToken: new Secret(`rt-${name}`),
  expiresAt: expiresInMs === undefined ? undefined : new Date(NOW + expiresInMs),
});

/** A refresher that records the refresh token it was given and issues `at-new`. */
function recordingRefresher(): { refresher: TokenRefresher; used: string[] } {
  const used: string[] = [];
  return {
    used,
    refresher: async (refreshToken) => {
      used.push(refreshToken.reveal());
      return { accessToken: 'at-new', refreshToken: 'rt-new', expiresInS: 7200 };
    },
  };
}

describe('ShopAuth before a refresh reads the pair stored for the shop', () => {
  const signal = new AbortController().signal;
  const auth = (stored: ShopTokens | undefined) =>
    new ShopAuth({ appKey: 'k', appSecret: new Secret('s'), tokens: pair('held', 60_000), now: () => NOW, reload: async () => stored });

  it('takes up a pair another process stored, without refreshing: the held refresh token may be retired', async () => {
    const { refresher, used } = recordingRefresher();
    const token = await auth(pair('stored', 3600_000)).accessToken(refresher, signal);
    expect(token.reveal()).toBe('at-stored');
    expect(used).toEqual([]);
  });

  it('refreshes a stored pair that is itself about to expire, with its own refresh token', async () => {
    const { refresher, used } = recordingRefresher();
    const token = await auth(pair('stored', 60_000)).accessToken(refresher, signal);
    expect(used).toEqual(['rt-stored']);
    expect(token.reveal()).toBe('at-new');
  });

  it('refreshes the held pair when the stored one is the same (or the account is gone)', async () => {
    for (const stored of [pair('held', 60_000), undefined]) {
      const { refresher, used } = recordingRefresher();
      expect((await auth(stored).accessToken(refresher, signal)).reveal()).toBe('at-new');
      expect(used).toEqual(['rt-held']);
    }
  });
});

describe('withAccessToken with two calls out on one expired token', () => {
  it('refreshes once: the call refused after the other refreshed takes up the new token', async () => {
    const signal = new AbortController().signal;
    const { refresher, used } = recordingRefresher();
    const auth = new ShopAuth({ appKey: 'k', appSecret: new Secret('s'), tokens: pair('held', 3600_000), now: () => NOW });
    let releaseSlow!: () => void;
    const slowRefused = new Promise<void>((resolve) => (releaseSlow = resolve));
    // The platform has expired at-held: both calls go out with it; the second is refused only after the first refreshed.
    const platform = async (token: Secret, slow: boolean) => {
      if (token.reveal() === 'at-held') {
        if (slow) await slowRefused;
        throw new TokenExpiredError('token expired');
      }
      return token.reveal();
    };
    const slow = withAccessToken(auth, refresher, signal, (t) => platform(t, true));
    expect(await withAccessToken(auth, refresher, signal, (t) => platform(t, false))).toBe('at-new');
    releaseSlow();
    expect(await slow).toBe('at-new');
    expect(used).toEqual(['rt-held']);
  });
});
