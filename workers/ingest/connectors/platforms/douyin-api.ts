import { z } from 'zod';
import { PlatformResponseError } from '../connector-errors.ts';
import { allPages, lastPageFirst } from '../offset-pages.ts';
import type { PlatformApi } from '../platform-api.ts';
import type { PlatformHttp } from '../platform-http.ts';

const SEARCH = 'order.searchList';
const PAGE_MAX = 100;
const DAY_MS = 24 * 3600_000;
const SUCCESS = 10000;
// Douyin counts pages from 0.
const FIRST_PAGE = 0;

const searchAnswer = z.object({
  code: z.number(),
  msg: z.string().optional(),
  data: z.object({ shop_order_list: z.array(z.record(z.string(), z.unknown())).optional(), total: z.number().int().nonnegative() }).optional(),
});

/**
 * 抖店 `order.searchList` (`POST /order/searchList`): orders by update time or creation time,
 * epoch seconds, answering `code` 10000 on success.
 */
export function douyinApi(http: PlatformHttp, pageSize = PAGE_MAX): PlatformApi {
  const search = async (params: Record<string, string | number | boolean>, signal: AbortSignal) => {
    const { body } = await http.post('/order/searchList', params, signal);
    const answer = http.parse(searchAnswer, body, SEARCH);
    if (answer.code !== SUCCESS || !answer.data) throw new PlatformResponseError('douyin', SEARCH, `error ${answer.code}: ${answer.msg ?? 'no message'}`);
    return { items: answer.data.shop_order_list ?? [], total: answer.data.total };
  };
  return {
    channel: 'douyin',
    maxWindowMs: DAY_MS,
    ordersModified(window, signal) {
      return lastPageFirst(
        (page) =>
          search({ update_time_start: seconds(window.fromMs), update_time_end: seconds(window.toMs), order_by: 'update_time', order_asc: true, page, size: pageSize }, signal),
        { channel: 'douyin', call: SEARCH, pageSize, firstPage: FIRST_PAGE },
      );
    },
    async ordersCreated(day, signal) {
      const { items, total } = await allPages(
        (page) => search({ create_time_start: seconds(day.startMs), create_time_end: seconds(day.endMs) - 1, page, size: PAGE_MAX }, signal),
        { channel: 'douyin', call: SEARCH, pageSize: PAGE_MAX, firstPage: FIRST_PAGE },
      );
      return { count: total, externalIds: items.map((o) => String(o.order_id)) };
    },
  };
}

/** Epoch seconds, as the API takes them. */
function seconds(epochMs: number): number {
  return Math.floor(epochMs / 1000);
}
