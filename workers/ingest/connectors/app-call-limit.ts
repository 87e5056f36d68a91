import { sleep } from '../../sleep.ts';

/**
 * A platform's call limit counts per app as well as per shop: one app key polling many shops
 * shares one allowance. When the platform bans a call of the app (a 429, or TOP's code 7), every
 * connector of that app waits the ban out, not only the one that was told, so the shops behind it
 * do not keep hitting the ban (and stretching it) in turn.
 */
export class AppCallLimit {
  private readonly bannedUntil = new Map<string, number>();

  /** Records a ban of `key` (channel and app key) for `waitMs` from now. */
  ban(key: string, waitMs: number, nowMs = Date.now()): void {
    this.bannedUntil.set(key, Math.max(this.bannedUntil.get(key) ?? 0, nowMs + waitMs));
  }

  /** Milliseconds `key` is still banned for (0 when it is not). */
  remainingMs(key: string, nowMs = Date.now()): number {
    return Math.max(0, (this.bannedUntil.get(key) ?? 0) - nowMs);
  }

  /** Waits until a ban of `key` is over (at once when there is none). */
  async waitOut(key: string, signal: AbortSignal): Promise<number> {
    const waitMs = this.remainingMs(key);
    if (waitMs > 0) await sleep(waitMs, signal);
    return waitMs;
  }
}

/** The limits of this process: every connector of an app shares its bans. */
export const APP_CALL_LIMITS = new AppCallLimit();
