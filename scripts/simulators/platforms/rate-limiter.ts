/**
 * A platform's call limit: a token bucket of `requestsPerSecond` with room for `burst` calls.
 * A refused call gets a ban of whole seconds (the Retry-After the API answers); a client that
 * calls again during the ban is counted, so tests can prove the connector honours Retry-After.
 */
export class RateLimiter {
  private tokens: number;
  private lastRefillMs = Date.now();
  private bannedUntilMs = 0;
  /** Calls answered 429. */
  limited = 0;
  /** Calls made while a Retry-After was still running. */
  ignoredRetryAfter = 0;

  /** `requestsPerSecond` 0 means no limit. */
  constructor(
    private requestsPerSecond = 0,
    private burst = Math.max(1, requestsPerSecond),
  ) {
    this.tokens = this.burst;
  }

  /** Changes the limit at once (tests tighten it mid-run); a running ban is lifted. */
  setLimit(requestsPerSecond: number, burst = Math.max(1, requestsPerSecond)): void {
    this.requestsPerSecond = requestsPerSecond;
    this.burst = burst;
    this.tokens = Math.min(this.tokens, burst);
    this.bannedUntilMs = 0;
  }

  /** Undefined when the call may go ahead, else the seconds the caller must wait. */
  take(nowMs = Date.now()): number | undefined {
    if (this.requestsPerSecond <= 0) return undefined;
    this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.lastRefillMs) / 1000) * this.requestsPerSecond);
    this.lastRefillMs = nowMs;
    if (nowMs < this.bannedUntilMs) {
      this.ignoredRetryAfter++;
      this.limited++;
      return Math.ceil((this.bannedUntilMs - nowMs) / 1000);
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    const retryAfterS = Math.max(1, Math.ceil((1 - this.tokens) / this.requestsPerSecond));
    this.bannedUntilMs = nowMs + retryAfterS * 1000;
    this.limited++;
    return retryAfterS;
  }
}
