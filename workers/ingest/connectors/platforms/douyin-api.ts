import { z } from 'zod';
import { PlatformResponseError } from '../connector-errors.ts';
import { allPages, lastPageFirst } from '../offset-pages.ts';
import type { PlatformApi } from '../platform-api.ts';
import type { PlatformHttp } from '../platform-http.ts';
import { douyinParamJson, signDouyin } from '../platform-signing.ts';
import type { Secret } from '../secret.ts';
import { TokenExpiredError, withAccessToken, type ShopAuth, type TokenRefresher } from '../shop-auth.ts';

const SEARCH = 'order.searchList';
const AFTERSALES = 'afterSale.List';
const PAGE_MAX = 100;
const DAY_MS = 24 * 3600_000;
const SUCCESS = 10000;
// Douyin counts pages from 0.
const FIRST_PAGE = 0;
const REFRESH = 'token.refresh';
/** Douyin's err_no of an expired access token. */
const TOKEN_EXPIRED = 30002;
/** Douyin's "访问太频繁" (too many calls), answered with HTTP 200. */
export const DOUYIN_CALL_LIMITED = 50002;
const refreshAnswer = z.object({
  code: z.number(),
  msg: z.string().optional(),
  data: z.object({ access_token: z.string().min(1), refresh_token: z.string(), expires_in: z.number().optional() }).nullish(),
});

const aftersalesAnswer = z.object({
  code: z.number(),
  err_no: z.number().optional(),
  msg: z.string().optional(),
  data: z.object({ items: z.array(z.record(z.string(), z.unknown())).optional(), total: z.number().int().nonnegative() }).nullish(),
});
const searchAnswer = z.object({
  code: z.number(),
  err_no: z.number().optional(),
  msg: z.string().optional(),
  data: z.object({ shop_order_list: z.array(z.record(z.string(), z.unknown())).optional(), total: z.number().int().nonnegative() }).nullish(),
});

/**
 * 抖店 `order.searchList` (`POST /order/searchList`): orders by update time or creation time,
 * epoch seconds, answering `code` 10000 on success.
 */
export function douyinApi(http: PlatformHttp, pageSize = PAGE_MAX, auth?: ShopAuth): PlatformApi {
  /** A doudian call: system parameters in the query, the business ones as the body, param_json with sorted keys, both signed. */
  const send = async (method: string, path: string, params: Record<string, unknown>, token: Secret | undefined, signal: AbortSignal): Promise<unknown> => {
    if (!auth) return (await http.post(path, params, signal)).body;
    const paramJson = douyinParamJson(params);
    const system = { app_key: auth.appKey, method, param_json: paramJson, timestamp: String(Math.floor(Date.now() / 1000)), v: '2' };
    const query = { ...system, sign_method: 'hmac-sha256', sign: signDouyin(system, auth.appSecret.reveal()), ...(token ? { access_token: token.reveal() } : {}) };
    const { param_json: _signedBody, ...inQuery } = query;
    return (await http.post(path, paramJson, signal, inQuery)).body;
  };
  const refresher: TokenRefresher = async (refreshToken, signal) => {
    const body = await send(REFRESH, '/token/refresh', { grant_type: 'refresh_token', refresh_token: refreshToken.reveal() }, undefined, signal);
    const answer = http.parse(refreshAnswer, body, REFRESH);
    if (answer.code !== SUCCESS || !answer.data) throw new PlatformResponseError('douyin', REFRESH, `error ${answer.code}: ${answer.msg ?? 'no message'}`);
    return { accessToken: answer.data.access_token, refreshToken: answer.data.refresh_token, expiresInS: answer.data.expires_in };
  };
  const searchOnce = async (params: Record<string, string | number | boolean>, token: Secret | undefined, signal: AbortSignal) => {
    const answer = http.parse(searchAnswer, await send(SEARCH, '/order/searchList', params, token, signal), SEARCH);
    if (answer.err_no === TOKEN_EXPIRED) throw new TokenExpiredError(`douyin ${SEARCH}: err_no ${answer.err_no}: ${answer.msg ?? ''}`);
    if (answer.code !== SUCCESS || !answer.data) throw new PlatformResponseError('douyin', SEARCH, `error ${answer.code}${answer.err_no ? ` (err_no ${answer.err_no})` : ''}: ${answer.msg ?? 'no message'}`);
    return { items: answer.data.shop_order_list ?? [], total: answer.data.total };
  };
  const aftersalesOnce = async (params: Record<string, string | number | boolean>, token: Secret | undefined, signal: AbortSignal) => {
    const answer = http.parse(aftersalesAnswer, await send(AFTERSALES, '/afterSale/List', params, token, signal), AFTERSALES);
    if (answer.err_no === TOKEN_EXPIRED) throw new TokenExpiredError(`douyin ${AFTERSALES}: err_no ${answer.err_no}: ${answer.msg ?? ''}`);
    if (answer.code !== SUCCESS || !answer.data) throw new PlatformResponseError('douyin', AFTERSALES, `error ${answer.code}: ${answer.msg ?? 'no message'}`);
    return { items: answer.data.items ?? [], total: answer.data.total };
  };
  const search = (params: Record<string, string | number | boolean>, signal: AbortSignal) =>
    auth ? withAccessToken(auth, refresher, signal, (token) => searchOnce(params, token, signal)) : searchOnce(params, undefined, signal);
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
    aftersalesModified(window, signal) {
      return lastPageFirst(
        (page) => {
          const params = { update_start_time: seconds(window.fromMs), update_end_time: seconds(window.toMs), order_by: 'update_time', page, size: pageSize };
          return auth ? withAccessToken(auth, refresher, signal, (token) => aftersalesOnce(params, token, signal)) : aftersalesOnce(params, undefined, signal);
        },
        { channel: 'douyin', call: AFTERSALES, pageSize, firstPage: FIRST_PAGE },
      );
    },
  };
}

/** Epoch seconds, as the API takes them. */
function seconds(epochMs: number): number {
  return Math.floor(epochMs / 1000);
}
