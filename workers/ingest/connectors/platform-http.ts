import type { z } from 'zod';
import type { Channel } from '../../../streams/canonical-order.ts';
import { sleep } from '../../sleep.ts';
import { PlatformRequestError, PlatformResponseError, RateLimitedError } from './connector-errors.ts';
import { parsePayload } from '../payload-json.ts';
import { APP_CALL_LIMITS, type AppCallLimit } from './app-call-limit.ts';

export interface PlatformHttpOptions {
  channel: Channel;
  /** The platform API's base URL, e.g. `https://gw.api.taobao.com`. */
  baseUrl: string;
  /** Per call; default 15 s. */
  timeoutMs?: number;
  /** 429s waited out in one call before it fails; default 10. */
  maxRateLimitWaits?: number;
  /** Called before each wait on a 429 (stats, logs). */
  onRateLimited?: (waitMs: number) => void;
  /**
   * A rate-limit answer given with HTTP 200 in the platform's own envelope (TOP's code 7, JD's
   * code 2, ...): the wait it asks for in ms, or undefined when `body` is not one. Waited out like a 429.
   */
  rateLimitIn?: (body: unknown) => number | undefined;
  /** The app key the calls are made under: a ban of one call holds every call of that app (see app-call-limit.ts). */
  appKey?: string;
  /** Where bans are shared; default this process's. */
  appLimits?: AppCallLimit;
}

/** A JSON answer and its headers (Shopify pages through the Link header). */
export interface JsonAnswer {
  body: unknown;
  headers: Headers;
}

const DEFAULT_RETRY_AFTER_MS = 1000;
// Timers may fire a little early and clocks differ: never call back at the very edge of a ban.
const RETRY_AFTER_MARGIN_MS = 100;
const DETAIL_MAX = 300;

/**
 * JSON over HTTP to one platform, respecting its call limit: a 429 is waited out for as long as
 * its Retry-After says (a second when it says nothing) and the call repeated, up to
 * `maxRateLimitWaits` times; any other non-2xx answer fails the call with the status and body.
 */
export class PlatformHttp {
  readonly channel: Channel;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxWaits: number;

  constructor(private readonly opts: PlatformHttpOptions) {
    this.channel = opts.channel;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.maxWaits = opts.maxRateLimitWaits ?? 10;
  }

  /** `GET path?query`, or `GET url` when `pathOrUrl` is absolute (a next-page link). */
  get(pathOrUrl: string, query: Record<string, string | number>, signal: AbortSignal): Promise<JsonAnswer> {
    const url = new URL(/^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    return this.call('GET', url, undefined, signal);
  }

  /** `POST path?query` with a JSON body (`body` already serialized when a string: the text that was signed). */
  post(path: string, body: unknown, signal: AbortSignal, query: Record<string, string> = {}): Promise<JsonAnswer> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return this.call('POST', url, typeof body === 'string' ? body : JSON.stringify(body), signal);
  }

  /** Validates an answer against the API's schema; the error names the field that is off. */
  parse<S extends z.ZodType>(schema: S, body: unknown, call: string): z.infer<S> {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    throw new PlatformResponseError(this.channel, call, `unexpected answer: ${where}: ${issue?.message ?? 'invalid'}`);
  }

  private rateLimitInBody(text: string): number | undefined {
    // Only a short answer can be a rate-limit envelope; a page of orders is not parsed twice.
    if (text.length > 2048) return undefined;
    try {
      return this.opts.rateLimitIn?.(JSON.parse(text));
    } catch {
      return undefined;
    }
  }

  private async call(method: 'GET' | 'POST', url: URL, body: string | undefined, signal: AbortSignal): Promise<JsonAnswer> {
    const call = `${method} ${url.pathname}`;
    const app = this.opts.appKey === undefined ? undefined : `${this.channel}:${this.opts.appKey}`;
    const limits = this.opts.appLimits ?? APP_CALL_LIMITS;
    for (let waits = 0; ; waits++) {
      if (app !== undefined && (await limits.waitOut(app, signal)) > 0 && signal.aborted) {
        throw new PlatformRequestError(this.channel, call, 429, 'stopped while waiting out the app rate limit');
      }
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body }),
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
        });
      } catch (error) {
        if (signal.aborted) throw error;
        const cause = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : errorCause(error);
        throw new PlatformRequestError(this.channel, call, undefined, cause);
      }
      const text = await res.text();
      const limitedInBody = res.ok && this.opts.rateLimitIn ? this.rateLimitInBody(text) : undefined;
      if (res.status === 429 || limitedInBody !== undefined) {
        if (waits >= this.maxWaits) throw new RateLimitedError(this.channel, call, waits);
        const waitMs = (limitedInBody ?? retryAfterMs(res.headers.get('retry-after'))) + RETRY_AFTER_MARGIN_MS;
        if (app !== undefined) limits.ban(app, waitMs);
        this.opts.onRateLimited?.(waitMs);
        await sleep(waitMs, signal);
        if (signal.aborted) throw new PlatformRequestError(this.channel, call, 429, 'stopped while waiting out the rate limit');
        continue;
      }
      if (!res.ok) throw new PlatformRequestError(this.channel, call, res.status, text.slice(0, DETAIL_MAX) || res.statusText);
      try {
        return { body: parsePayload(text), headers: res.headers };
      } catch {
        throw new PlatformResponseError(this.channel, call, `answer is not JSON: ${text.slice(0, DETAIL_MAX)}`);
      }
    }
  }
}

/** Retry-After is seconds or an HTTP date; absent or unreadable means a second. */
export function retryAfterMs(header: string | null, nowMs = Date.now()): number {
  if (header === null || header.trim() === '') return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, at - nowMs);
}

function errorCause(error: unknown): string {
  // fetch wraps the socket error (ECONNREFUSED, ...) in `cause`.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
