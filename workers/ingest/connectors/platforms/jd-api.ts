import { z } from 'zod';
import { formatChinaTime } from '../china-clock.ts';
import { PlatformResponseError } from '../connector-errors.ts';
import { allPages, lastPageFirst } from '../offset-pages.ts';
import type { PlatformApi } from '../platform-api.ts';
import type { PlatformHttp } from '../platform-http.ts';
import { signJd } from '../platform-signing.ts';
import type { Secret } from '../secret.ts';
import { TokenExpiredError, withAccessToken, type ShopAuth, type TokenRefresher } from '../shop-auth.ts';

const SEARCH = 'jingdong.pop.order.search';
const AFTERSALES = 'jingdong.asc.query.list';
const PAGE_MAX = 100;
const DAY_MS = 24 * 3600_000;
const BY_MODIFIED = 0;
const BY_CREATED = 1;
/** JD's "invalid access_token": expired or revoked. */
const INVALID_TOKEN = '19';
/** JD's "App Call Limited", answered with HTTP 200. */
export const JD_CALL_LIMITED = '2';
const refreshAnswer = z.object({ access_token: z.string().min(1), refresh_token: z.string(), expires_in: z.number().optional() });

const jdError = z.object({ error_response: z.object({ code: z.union([z.string(), z.number()]), zh_desc: z.string().optional(), en_desc: z.string().optional() }) });
// JD spells its envelope "responce".
const aftersalesAnswer = z.object({
  jingdong_asc_query_list_responce: z.object({ pageResult: z.object({ totalCount: z.number().int().nonnegative(), data: z.array(z.record(z.string(), z.unknown())).optional() }) }),
});
const searchAnswer = z.object({
  jingdong_pop_order_search_responce: z.object({
    searchorderinfo_result: z.object({ orderTotal: z.number().int().nonnegative(), orderInfoList: z.array(z.record(z.string(), z.unknown())).optional() }),
  }),
});

/**
 * JD POP through its gateway: `jingdong.pop.order.search` lists orders by modified time
 * (`dateType` 0) or creation time (`dateType` 1), times in China time.
 */
export function jdApi(http: PlatformHttp, pageSize = PAGE_MAX, auth?: ShopAuth): PlatformApi {
  const send = async (method: string, params: Record<string, string | number>, token: Secret | undefined, signal: AbortSignal): Promise<unknown> => {
    // Signed, the business parameters travel as one JSON text, 360buy_param_json, which the sign covers.
    const query: Record<string, string | number> = auth
      ? { method, v: '2.0', app_key: auth.appKey, timestamp: formatChinaTime(Date.now()), '360buy_param_json': JSON.stringify(params), ...(token ? { access_token: token.reveal() } : {}) }
      : { method, v: '2.0', ...params };
    if (auth) query.sign = signJd(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])), auth.appSecret.reveal());
    const { body } = await http.get('/routerjson', query, signal);
    const failed = jdError.safeParse(body);
    if (failed.success) {
      const e = failed.data.error_response;
      const text = `JD error ${e.code} ${e.en_desc ?? e.zh_desc ?? ''}`.trim();
      if (String(e.code) === INVALID_TOKEN) throw new TokenExpiredError(`jd ${method}: ${text}`);
      throw new PlatformResponseError('jd', method, text);
    }
    return body;
  };
  const refresher: TokenRefresher = async (refreshToken, signal) => {
    const { body } = await http.get(
      '/oauth2/refresh_token',
      { app_key: auth!.appKey, app_secret: auth!.appSecret.reveal(), grant_type: 'refresh_token', refresh_token: refreshToken.reveal() },
      signal,
    );
    const r = http.parse(refreshAnswer, body, 'oauth2/refresh_token');
    return { accessToken: r.access_token, refreshToken: r.refresh_token, expiresInS: r.expires_in };
  };
  const signedCall = (method: string, params: Record<string, string | number>, signal: AbortSignal): Promise<unknown> =>
    auth ? withAccessToken(auth, refresher, signal, (token) => send(method, params, token, signal)) : send(method, params, undefined, signal);
  const search = async (params: Record<string, string | number>, signal: AbortSignal) => {
    const body = await signedCall(SEARCH, params, signal);
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
    aftersalesModified(window, signal) {
      return lastPageFirst(
        async (pageNumber) => {
          const body = await signedCall(AFTERSALES, { updateTimeBegin: formatChinaTime(window.fromMs), updateTimeEnd: formatChinaTime(window.toMs), pageNumber, pageSize }, signal);
          const r = http.parse(aftersalesAnswer, body, AFTERSALES).jingdong_asc_query_list_responce.pageResult;
          return { items: r.data ?? [], total: r.totalCount };
        },
        { channel: 'jd', call: AFTERSALES, pageSize, firstPage: 1 },
      );
    },
  };
}
