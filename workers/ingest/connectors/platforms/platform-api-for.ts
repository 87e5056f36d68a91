import type { Channel } from '../../../../streams/canonical-order.ts';
import type { PlatformApi } from '../platform-api.ts';
import { PlatformHttp, type PlatformHttpOptions } from '../platform-http.ts';
import { douyinApi } from './douyin-api.ts';
import { jdApi } from './jd-api.ts';
import { pddApi } from './pdd-api.ts';
import { posApi } from './pos-api.ts';
import { shopApi } from './shop-api.ts';
import { tmallApi } from './tmall-api.ts';

export interface PlatformApiOptions extends Omit<PlatformHttpOptions, 'channel'> {
  /** Orders per listing call; default each platform's maximum. */
  pageSize?: number;
}

/**
 * The order API client of `channel`'s platform at `opts.baseUrl`.
 *
 * @example
 * const api = platformApiFor('tmall', { baseUrl: 'http://127.0.0.1:7320' });
 * for await (const page of api.ordersModified({ fromMs, toMs }, signal)) console.log(page.length);
 */
export function platformApiFor(channel: Channel, opts: PlatformApiOptions): PlatformApi {
  const http = new PlatformHttp({ ...opts, channel });
  const size = opts.pageSize;
  switch (channel) {
    case 'tmall':
      return tmallApi(http, size);
    case 'jd':
      return jdApi(http, size);
    case 'douyin':
      return douyinApi(http, size);
    case 'pdd':
      return pddApi(http, size);
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
