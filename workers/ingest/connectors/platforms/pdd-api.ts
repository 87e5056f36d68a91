import { z } from 'zod';
import { PlatformResponseError } from '../connector-errors.ts';
import { allPages, lastPageFirst } from '../offset-pages.ts';
import type { PlatformApi } from '../platform-api.ts';
import type { PlatformHttp } from '../platform-http.ts';
import { signPdd } from '../platform-signing.ts';
import type { Secret } from '../secret.ts';
import { TokenExpiredError, withAccessToken, type ShopAuth, type TokenRefresher } from '../shop-auth.ts';

const INCREMENT = 'pdd.order.number.list.increment.get';
const LIST = 'pdd.order.number.list.get';
const REFUNDS = 'pdd.refund.list.increment.get';
const PAGE_MAX = 100;
/** Pinduoduo refuses increment windows longer than 30 minutes. */
const MAX_WINDOW_MS = 30 * 60_000;
const REFRESH = 'pdd.pop.auth.token.refresh';
/** Pinduoduo's "access_token已过期". */
const TOKEN_EXPIRED = 10019;
/** Pinduoduo's "调用过于频繁" (too many calls), answered with HTTP 200. */
export const PDD_CALL_LIMITED = 70031;
const refreshAnswer = z.object({
  pop_auth_token_refresh_response: z.object({ access_token: z.string().min(1), refresh_token: z.string(), expires_in: z.number().optional() }),
});

const pddError = z.object({ error_response: z.object({ error_code: z.union([z.number(), z.string()]), error_msg: z.string().optional() }) });
const incrementAnswer = z.object({
  order_sn_increment_get_response: z.object({ total_count: z.number().int().nonnegative(), order_sn_list: z.array(z.record(z.string(), z.unknown())) }),
});
const refundsAnswer = z.object({
  refund_increment_get_response: z.object({ total_count: z.number().int().nonnegative(), refund_list: z.array(z.record(z.string(), z.unknown())) }),
});
const listAnswer = z.object({
  order_sn_list_get_response: z.object({ total_count: z.number().int().nonnegative(), order_sn_list: z.array(z.object({ order_sn: z.string() })) }),
});

/**
 * Pinduoduo's gateway (`POST /api/router`, the API named in `type`): the increment API lists
 * full orders by update time in windows of at most 30 minutes, epoch seconds.
 */
export function pddApi(http: PlatformHttp, pageSize = PAGE_MAX, auth?: ShopAuth): PlatformApi {
  const send = async (type: string, params: Record<string, string | number>, token: Secret | undefined, signal: AbortSignal): Promise<unknown> => {
    const request: Record<string, string | number> = { type, data_type: 'JSON', ...params };
    if (auth) {
      Object.assign(request, { client_id: auth.appKey, timestamp: String(Math.floor(Date.now() / 1000)), ...(token ? { access_token: token.reveal() } : {}) });
      request.sign = signPdd(Object.fromEntries(Object.entries(request).map(([k, v]) => [k, String(v)])), auth.appSecret.reveal());
    }
    const { body } = await http.post('/api/router', request, signal);
    const failed = pddError.safeParse(body);
    if (failed.success) {
      const e = failed.data.error_response;
      const text = `error ${e.error_code}: ${e.error_msg ?? 'no message'}`;
      if (Number(e.error_code) === TOKEN_EXPIRED) throw new TokenExpiredError(`pdd ${type}: ${text}`);
      throw new PlatformResponseError('pdd', type, text);
    }
    return body;
  };
  const refresher: TokenRefresher = async (refreshToken, signal) => {
    const body = await send(REFRESH, { refresh_token: refreshToken.reveal() }, undefined, signal);
    const r = http.parse(refreshAnswer, body, REFRESH).pop_auth_token_refresh_response;
    return { accessToken: r.access_token, refreshToken: r.refresh_token, expiresInS: r.expires_in };
  };
  const call = async <S extends z.ZodType>(type: string, schema: S, params: Record<string, string | number>, signal: AbortSignal): Promise<z.infer<S>> => {
    const body = auth ? await withAccessToken(auth, refresher, signal, (token) => send(type, params, token, signal)) : await send(type, params, undefined, signal);
    return http.parse(schema, body, type);
  };
  return {
    channel: 'pdd',
    maxWindowMs: MAX_WINDOW_MS,
    ordersModified(window, signal) {
      return lastPageFirst(
        async (page) => {
          const r = (
            await call(
              INCREMENT,
              incrementAnswer,
              // 5 is "all" for both statuses: a connector wants cancellations and refunds too.
              { start_updated_at: seconds(window.fromMs), end_updated_at: seconds(window.toMs), order_status: 5, refund_status: 5, is_lucky_flag: 0, page, page_size: pageSize },
              signal,
            )
          ).order_sn_increment_get_response;
          return { items: r.order_sn_list, total: r.total_count };
        },
        { channel: 'pdd', call: INCREMENT, pageSize, firstPage: 1 },
      );
    },
    async ordersCreated(day, signal) {
      const { items, total } = await allPages(
        async (page) => {
          const r = (await call(LIST, listAnswer, { start_created_at: seconds(day.startMs), end_created_at: seconds(day.endMs) - 1, page, page_size: PAGE_MAX }, signal)).order_sn_list_get_response;
          return { items: r.order_sn_list.map((o) => o.order_sn), total: r.total_count };
        },
        { channel: 'pdd', call: LIST, pageSize: PAGE_MAX, firstPage: 1 },
      );
      return { count: total, externalIds: items };
    },
    aftersalesModified(window, signal) {
      return lastPageFirst(
        async (page) => {
          // Type 1 and status 1 are "all": every kind of after-sale in every state.
          const params = { start_updated_at: seconds(window.fromMs), end_updated_at: seconds(window.toMs), after_sales_type: 1, after_sales_status: 1, page, page_size: pageSize };
          const r = (await call(REFUNDS, refundsAnswer, params, signal)).refund_increment_get_response;
          return { items: r.refund_list, total: r.total_count };
        },
        { channel: 'pdd', call: REFUNDS, pageSize, firstPage: 1 },
      );
    },
  };
}

/** Epoch seconds, as the API takes them. */
function seconds(epochMs: number): number {
  return Math.floor(epochMs / 1000);
}
