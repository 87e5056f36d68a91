import { z } from 'zod';
import { formatChinaTime } from '../china-clock.ts';
import { PlatformResponseError } from '../connector-errors.ts';
import { allPages, lastPageFirst } from '../offset-pages.ts';
import type { PlatformApi } from '../platform-api.ts';
import type { PlatformHttp } from '../platform-http.ts';
import { signTop } from '../platform-signing.ts';
import type { Secret } from '../secret.ts';
import { TokenExpiredError, withAccessToken, type ShopAuth, type TokenRefresher } from '../shop-auth.ts';

const INCREMENT = 'taobao.trades.sold.increment.get';
const SOLD = 'taobao.trades.sold.get';
const REFUNDS = 'taobao.refunds.receive.get';
const REFRESH = 'taobao.top.auth.token.refresh';
/** TOP's "Invalid session": the session key expired or was revoked. */
const INVALID_SESSION = 27;
/** TOP's "App Call Limited", answered with HTTP 200; sub_msg says how long the ban lasts. */
export const TOP_CALL_LIMITED = 7;
const PAGE_MAX = 100;
const DAY_MS = 24 * 3600_000;

const topError = z.object({ error_response: z.object({ code: z.union([z.number(), z.string()]), msg: z.string().optional(), sub_code: z.string().optional(), sub_msg: z.string().optional() }) });
const trades = <T extends z.ZodType>(trade: T) => z.object({ trade: z.array(trade) }).optional();
const incrementAnswer = z.object({
  trades_sold_increment_get_response: z.object({ total_results: z.number().int().nonnegative(), trades: trades(z.record(z.string(), z.unknown())) }),
});
const refundsAnswer = z.object({
  refunds_receive_get_response: z.object({ total_results: z.number().int().nonnegative(), refunds: z.object({ refund: z.array(z.record(z.string(), z.unknown())) }).optional() }),
});
const refreshAnswer = z.object({ top_auth_token_refresh_response: z.object({ token_result: z.string() }) });
const tokenResult = z.object({ access_token: z.string().min(1), refresh_token: z.string(), expires_in: z.number().optional() });
const soldAnswer = z.object({
  trades_sold_get_response: z.object({ total_results: z.number().int().nonnegative(), trades: trades(z.object({ tid: z.union([z.number(), z.string()]) })) }),
});

/**
 * Tmall / Taobao through the TOP gateway: `taobao.trades.sold.increment.get` lists full trades by
 * modified time (windows of at most a day, in China time), `taobao.trades.sold.get` the trades
 * created in a span. TOP reports errors with HTTP 200 and an `error_response`. With `auth`, every
 * call is signed (sign_method md5) and carries the shop's session.
 */
export function tmallApi(http: PlatformHttp, pageSize = PAGE_MAX, auth?: ShopAuth): PlatformApi {
  const send = async (method: string, params: Record<string, string | number>, session: Secret | undefined, signal: AbortSignal): Promise<unknown> => {
    const query: Record<string, string> = { method, format: 'json', v: '2.0', ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) };
    if (auth) {
      Object.assign(query, { app_key: auth.appKey, timestamp: formatChinaTime(Date.now()), sign_method: 'md5' });
      if (session) query.session = session.reveal();
      query.sign = signTop(query, auth.appSecret.reveal());
    }
    const { body } = await http.get('/router/rest', query, signal);
    const failed = topError.safeParse(body);
    if (failed.success) {
      const e = failed.data.error_response;
      const text = `TOP error ${e.code} ${e.msg ?? ''} ${e.sub_code ?? ''} ${e.sub_msg ?? ''}`.trim();
      if (Number(e.code) === INVALID_SESSION) throw new TokenExpiredError(`tmall ${method}: ${text}`);
      throw new PlatformResponseError('tmall', method, text);
    }
    return body;
  };
  const refresher: TokenRefresher = async (refreshToken, signal) => {
    const body = await send(REFRESH, { refresh_token: refreshToken.reveal() }, undefined, signal);
    const answer = http.parse(refreshAnswer, body, REFRESH).top_auth_token_refresh_response;
    const token = http.parse(tokenResult, JSON.parse(answer.token_result), REFRESH);
    return { accessToken: token.access_token, refreshToken: token.refresh_token, expiresInS: token.expires_in };
  };
  const call = async <S extends z.ZodType>(method: string, schema: S, params: Record<string, string | number>, signal: AbortSignal): Promise<z.infer<S>> => {
    const body = auth ? await withAccessToken(auth, refresher, signal, (session) => send(method, params, session, signal)) : await send(method, params, undefined, signal);
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
    aftersalesModified(window, signal) {
      return lastPageFirst(
        async (pageNo) => {
          const answer = await call(
            REFUNDS,
            refundsAnswer,
            { start_modified: formatChinaTime(window.fromMs), end_modified: formatChinaTime(window.toMs), page_no: pageNo, page_size: pageSize, use_has_next: 'false' },
            signal,
          );
          const r = answer.refunds_receive_get_response;
          return { items: r.refunds?.refund ?? [], total: r.total_results };
        },
        { channel: 'tmall', call: REFUNDS, pageSize, firstPage: 1 },
      );
    },
  };
}
