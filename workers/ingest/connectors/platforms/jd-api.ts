import { z } from 'zod';
import { formatChinaTime } from '../china-clock.ts';
import { PlatformResponseError } from '../connector-errors.ts';
import { allPages, lastPageFirst } from '../offset-pages.ts';
import type { PlatformApi } from '../platform-api.ts';
import type { PlatformHttp } from '../platform-http.ts';

const SEARCH = 'jingdong.pop.order.search';
const PAGE_MAX = 100;
const DAY_MS = 24 * 3600_000;
const BY_MODIFIED = 0;
const BY_CREATED = 1;

const jdError = z.object({ error_response: z.object({ code: z.union([z.string(), z.number()]), zh_desc: z.string().optional(), en_desc: z.string().optional() }) });
// JD spells its envelope "responce".
const searchAnswer = z.object({
  jingdong_pop_order_search_responce: z.object({
    searchorderinfo_result: z.object({ orderTotal: z.number().int().nonnegative(), orderInfoList: z.array(z.record(z.string(), z.unknown())).optional() }),
  }),
});

/**
 * JD POP through its gateway: `jingdong.pop.order.search` lists orders by modified time
 * (`dateType` 0) or creation time (`dateType` 1), times in China time.
 */
export function jdApi(http: PlatformHttp, pageSize = PAGE_MAX): PlatformApi {
  const search = async (params: Record<string, string | number>, signal: AbortSignal) => {
    const { body } = await http.get('/routerjson', { method: SEARCH, v: '2.0', ...params }, signal);
    const failed = jdError.safeParse(body);
    if (failed.success) {
      const e = failed.data.error_response;
      throw new PlatformResponseError('jd', SEARCH, `JD error ${e.code} ${e.en_desc ?? e.zh_desc ?? ''}`.trim());
    }
    const r = http.parse(searchAnswer, body, SEARCH).jingdong_pop_order_search_responce.searchorderinfo_result;
    return { items: r.orderInfoList ?? [], total: r.orderTotal };
  };
  return {
    channel: 'jd',
    maxWindowMs: DAY_MS,
    ordersModified(window, signal) {
      return lastPageFirst(
        (page) => search({ dateType: BY_MODIFIED, start_date: formatChinaTime(window.fromMs), end_date: formatChinaTime(window.toMs), page, page_size: pageSize }, signal),
        { channel: 'jd', call: SEARCH, pageSize, firstPage: 1 },
      );
    },
    async ordersCreated(day, signal) {
      const { items, total } = await allPages(
        (page) =>
          search(
            { dateType: BY_CREATED, optional_fields: 'orderId', start_date: formatChinaTime(day.startMs), end_date: formatChinaTime(day.endMs - 1000), page, page_size: PAGE_MAX },
            signal,
          ),
        { channel: 'jd', call: SEARCH, pageSize: PAGE_MAX, firstPage: 1 },
      );
      return { count: total, externalIds: items.map((o) => String(o.orderId)) };
    },
  };
}
