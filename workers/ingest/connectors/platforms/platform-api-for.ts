import type { Channel } from '../../../../streams/canonical-order.ts';
import type { PlatformApi } from '../platform-api.ts';
import { PlatformHttp, type PlatformHttpOptions } from '../platform-http.ts';
import type { ShopAuth } from '../shop-auth.ts';
import { DOUYIN_CALL_LIMITED, douyinApi } from './douyin-api.ts';
import { JD_CALL_LIMITED, jdApi } from './jd-api.ts';
import { PDD_CALL_LIMITED, pddApi } from './pdd-api.ts';
import { posApi } from './pos-api.ts';
import { shopApi } from './shop-api.ts';
import { TOP_CALL_LIMITED, tmallApi } from './tmall-api.ts';

export interface PlatformApiOptions extends Omit<PlatformHttpOptions, 'channel'> {
  /** Orders per listing call; default each platform's maximum. */
  pageSize?: number;
  /** The shop's credentials: the four marketplaces' calls are signed and carry its access token. Without, calls go unsigned (our simulators in their lenient mode). */
  auth?: ShopAuth;
}

const SECOND = 1000;

/**
 * The wait a marketplace's HTTP-200 rate-limit answer asks for: TOP says it in sub_msg ("This ban
 * will last for 3 more seconds"); the others do not say, so a second.
 */
export function rateLimitWaitOf(channel: Channel, body: unknown): number | undefined {
  const b = body as { error_response?: { code?: unknown; error_code?: unknown; sub_msg?: unknown }; code?: unknown; err_no?: unknown } | null;
  if (b === null || typeof b !== 'object') return undefined;
  switch (channel) {
    case 'tmall': {
      if (Number(b.error_response?.code) !== TOP_CALL_LIMITED) return undefined;
      const seconds = /(\d+)\s+more seconds/.exec(String(b.error_response?.sub_msg ?? ''))?.[1];
      return seconds === undefined ? SECOND : Number(seconds) * SECOND;
    }
    case 'jd':
      return String(b.error_response?.code) === JD_CALL_LIMITED ? SECOND : undefined;
    case 'pdd':
      return Number(b.error_response?.error_code) === PDD_CALL_LIMITED ? SECOND : undefined;
    case 'douyin':
      return b.code === DOUYIN_CALL_LIMITED || b.err_no === DOUYIN_CALL_LIMITED ? SECOND : undefined;
    case 'shop':
    case 'pos':
      return undefined;
    default: {
      const never: never = channel;
      throw new Error(`no platform ${String(never)}`);
    }
  }
}

/**
 * The order API client of `channel`'s platform at `opts.baseUrl`.
 *
 * @example
 * const api = platformApiFor('tmall', { baseUrl: 'http://127.0.0.1:7320' });
 * for await (const page of api.ordersModified({ fromMs, toMs }, signal)) console.log(page.length);
 */
export function platformApiFor(channel: Channel, opts: PlatformApiOptions): PlatformApi {
  const http = new PlatformHttp({ rateLimitIn: (body) => rateLimitWaitOf(channel, body), ...(opts.auth ? { appKey: opts.auth.appKey } : {}), ...opts, channel });
  const size = opts.pageSize;
  const auth = opts.auth;
  switch (channel) {
    case 'tmall':
      return tmallApi(http, size, auth);
    case 'jd':
      return jdApi(http, size, auth);
    case 'douyin':
      return douyinApi(http, size, auth);
    case 'pdd':
      return pddApi(http, size, auth);
    case 'shop':
      return shopApi(http, size);
    case 'pos':
      return posApi(http, size);
    default: {
      const never: never = channel;
      throw new Error(`no platform API for channel ${String(never)}`);
    }
  }
}
