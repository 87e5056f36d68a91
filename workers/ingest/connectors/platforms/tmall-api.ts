import { z } from 'zod';
import { formatChinaTime } from '../china-clock.ts';
import { PlatformResponseError } from '../connector-errors.ts';
import { allPages, lastPageFirst } from '../offset-pages.ts';
import type { PlatformApi } from '../platform-api.ts';
import type { PlatformHttp } from '../platform-http.ts';

const INCREMENT = 'taobao.trades.sold.increment.get';
const SOLD = 'taobao.trades.sold.get';
const PAGE_MAX = 100;
const DAY_MS = 24 * 3600_000;

const topError = z.object({ error_response: z.object({ code: z.union([z.number(), z.string()]), msg: z.string().optional(), sub_code: z.string().optional(), sub_msg: z.string().optional() }) });
const trades = <T extends z.ZodType>(trade: T) => z.object({ trade: z.array(trade) }).optional();
const incrementAnswer = z.object({
  trades_sold_increment_get_response: z.object({ total_results: z.number().int().nonnegative(), trades: trades(z.record(z.string(), z.unknown())) }),
});
const soldAnswer = z.object({
  trades_sold_get_response: z.object({ total_results: z.number().int().nonnegative(), trades: trades(z.object({ tid: z.union([z.number(), z.string()]) })) }),
});

/**
 * Tmall / Taobao through the TOP gateway: `taobao.trades.sold.increment.get` lists full trades by
 * modified time (windows of at most a day, in China time), `taobao.trades.sold.get` the trades
 * created in a span. TOP reports errors with HTTP 200 and an `error_response`.
 */
export function tmallApi(http: PlatformHttp, pageSize = PAGE_MAX): PlatformApi {
  const call = async <S extends z.ZodType>(method: string, schema: S, params: Record<string, string | number>, signal: AbortSignal): Promise<z.infer<S>> => {
    const { body } = await http.get('/router/rest', { method, format: 'json', v: '2.0', ...params }, signal);
    const failed = topError.safeParse(body);
    if (failed.success) {
      const e = failed.data.error_response;
      throw new PlatformResponseError('tmall', method, `TOP error ${e.code} ${e.msg ?? ''} ${e.sub_code ?? ''} ${e.sub_msg ?? ''}`.trim());
    }
    return http.parse(schema, body, method);
  };
  return {
    channel: 'tmall',
    maxWindowMs: DAY_MS,
    ordersModified(window, signal) {
      return lastPageFirst(
        async (pageNo) => {
          const answer = await call(
            INCREMENT,
            incrementAnswer,
            { start_modified: formatChinaTime(window.fromMs), end_modified: formatChinaTime(window.toMs), page_no: pageNo, page_size: pageSize, use_has_next: 'false' },
            signal,
          );
          const r = answer.trades_sold_increment_get_response;
          return { items: r.trades?.trade ?? [], total: r.total_results };
        },
        { channel: 'tmall', call: INCREMENT, pageSize, firstPage: 1 },
      );
    },
    async ordersCreated(day, signal) {
      const { items, total } = await allPages(
        async (pageNo) => {
          const answer = await call(
            SOLD,
            soldAnswer,
            { fields: 'tid', start_created: formatChinaTime(day.startMs), end_created: formatChinaTime(day.endMs - 1000), page_no: pageNo, page_size: PAGE_MAX },
            signal,
          );
          const r = answer.trades_sold_get_response;
          return { items: (r.trades?.trade ?? []).map((t) => String(t.tid)), total: r.total_results };
        },
        { channel: 'tmall', call: SOLD, pageSize: PAGE_MAX, firstPage: 1 },
      );
      return { count: total, externalIds: items };
    },
  };
}
