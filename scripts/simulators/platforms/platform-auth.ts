import { randomBytes } from 'node:crypto';
import type { Channel } from '../../../streams/canonical-order.ts';
import { parseChinaTime } from '../../../workers/ingest/adapters/china-time.ts';
import { douyinParamJson, signDouyin, signJd, signPdd, signTop, type SignedParams } from '../../../workers/ingest/connectors/platform-signing.ts';
import type { JsonRequest } from '../json-server.ts';
import type { ApiResponse } from './api-server.ts';

/** The one shop a strict simulator serves: the app it knows and the token pair it issued. */
export interface SimulatedCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  refreshToken: string;
  /** How long an access token lives, from its issue; default two hours. */
  tokenTtlMs?: number;
}

/** What a strict simulator refused, by reason, and the refreshes it granted (tests read these). */
export interface AuthStats {
  refused: Record<AuthProblem, number>;
  refreshes: number;
  refreshesRefused: number;
}

export type AuthProblem = 'app_key' | 'sign' | 'timestamp' | 'token' | 'refresh_token';

/** The signed parts of one call, as the platform reads them off the request. */
interface SignedCall {
  appKey: string;
  sign: string;
  /** The sign the secret gives for this request. */
  expected(secret: string): string;
  timestampMs: number | undefined;
  /** Undefined when the call carries none (a refresh). */
  accessToken: string | undefined;
  /** Set on the platform's refresh call. */
  refreshToken: string | undefined;
}

const DEFAULT_TTL_MS = 2 * 3600_000;
// JD allows a client's clock 6 minutes off (its gateway's documented window); the others 10.
const WINDOW_MS: Partial<Record<Channel, number>> = { tmall: 10 * 60_000, jd: 6 * 60_000, douyin: 10 * 60_000, pdd: 10 * 60_000 };

/** Demo credentials: random, so nothing in the code base signs for anyone. */
export function demoCredentials(channel: Channel, shop: string): SimulatedCredentials {
  const hex = (n: number) => randomBytes(n).toString('hex');
  return { appKey: `${channel}-${shop}-app`, appSecret: hex(16), accessToken: `at-${hex(12)}`, refreshToken: `rt-${hex(12)}` };
}

/**
 * A marketplace simulator's strict gate: every API call must carry the shop's app key, a sign
 * the app secret gives for exactly its parameters, a timestamp within the platform's window and
 * the current access token, else it is answered in the platform's own error shape. Access tokens
 * expire `tokenTtlMs` after issue; the platform's refresh call trades the refresh token for a new
 * pair (the old refresh token then stops working, as on the real platforms).
 */
export class SimulatedAuth {
  private accessToken: string;
  private refreshToken: string;
  private expiresAtMs: number;
  private issued = 0;
  readonly ttlMs: number;
  /** Tests: refuse the next refreshes (the seller revoked the app). */
  refuseRefresh = false;
  readonly stats: AuthStats = { refused: { app_key: 0, sign: 0, timestamp: 0, token: 0, refresh_token: 0 }, refreshes: 0, refreshesRefused: 0 };

  constructor(
    readonly channel: Channel,
    private readonly creds: SimulatedCredentials,
  ) {
    this.accessToken = creds.accessToken;
    this.refreshToken = creds.refreshToken;
    this.ttlMs = creds.tokenTtlMs ?? DEFAULT_TTL_MS;
    this.expiresAtMs = Date.now() + this.ttlMs;
  }

  /** When the current access token stops working. */
  get tokenExpiresAt(): Date {
    return new Date(this.expiresAtMs);
  }

  /** Tests: the current token stops working now. */
  expireToken(): void {
    this.expiresAtMs = Date.now() - 1;
  }

  /** Undefined when the call may go on; else the platform's answer refusing it. */
  check(req: JsonRequest): ApiResponse | undefined {
    const call = signedCallOf(this.channel, req);
    if (call === undefined) return undefined;
    const refuse = (problem: AuthProblem): ApiResponse => {
      this.stats.refused[problem]++;
      return errorAnswer(this.channel, problem);
    };
    if (call.appKey !== this.creds.appKey) return refuse('app_key');
    if (call.sign === '' || call.sign.toLowerCase() !== call.expected(this.creds.appSecret).toLowerCase()) return refuse('sign');
    if (call.timestampMs === undefined || Math.abs(Date.now() - call.timestampMs) > (WINDOW_MS[this.channel] ?? 10 * 60_000)) return refuse('timestamp');
    if (call.refreshToken !== undefined) return this.refresh(call.refreshToken);
    if (call.accessToken !== this.accessToken || Date.now() >= this.expiresAtMs) return refuse('token');
    return undefined;
  }

  /** JD's refresh goes to its OAuth host with app key and secret in clear (no sign). */
  checkJdRefresh(req: JsonRequest): ApiResponse {
    const q = req.query;
    if (q.get('app_key') !== this.creds.appKey || q.get('app_secret') !== this.creds.appSecret) {
      this.stats.refused.app_key++;
      return { status: 401, body: { code: 401, msg: 'app_key or app_secret is wrong' } };
    }
    return this.refresh(q.get('refresh_token') ?? '');
  }

  private refresh(refreshToken: string): ApiResponse {
    if (this.refuseRefresh || refreshToken !== this.refreshToken) {
      this.stats.refused.refresh_token++;
      this.stats.refreshesRefused++;
      return errorAnswer(this.channel, 'refresh_token');
    }
    this.issued++;
    this.accessToken = `${this.creds.accessToken}-r${this.issued}`;
    this.refreshToken = `${this.creds.refreshToken}-r${this.issued}`;
    this.expiresAtMs = Date.now() + this.ttlMs;
    this.stats.refreshes++;
    const token = { access_token: this.accessToken, refresh_token: this.refreshToken, expires_in: Math.floor(this.ttlMs / 1000) };
    switch (this.channel) {
      case 'tmall':
        return { status: 200, body: { top_auth_token_refresh_response: { token_result: JSON.stringify(token) } } };
      case 'pdd':
        return { status: 200, body: { pop_auth_token_refresh_response: token } };
      case 'douyin':
        return { status: 200, body: { code: 10000, err_no: 0, msg: 'success', data: token } };
      default:
        return { status: 200, body: token };
    }
  }
}

const text = (entries: Iterable<[string, string]>): Record<string, string> => Object.fromEntries(entries);

/** The signed parts of a call in each platform's layout; undefined for paths the gate does not cover. */
function signedCallOf(channel: Channel, req: JsonRequest): SignedCall | undefined {
  switch (channel) {
    case 'tmall': {
      if (req.path !== '/router/rest') return undefined;
      const params: SignedParams = text(req.query);
      const refresh = params.method === 'taobao.top.auth.token.refresh';
      return {
        appKey: params.app_key ?? '',
        sign: params.sign ?? '',
        expected: (secret) => (params.sign_method === 'md5' || params.sign_method === 'hmac' ? signTop(params, secret) : ''),
        timestampMs: chinaTimeMs(params.timestamp),
        accessToken: params.session,
        refreshToken: refresh ? (params.refresh_token ?? '') : undefined,
      };
    }
    case 'jd': {
      if (req.path !== '/routerjson') return undefined;
      const params: SignedParams = text(req.query);
      return { appKey: params.app_key ?? '', sign: params.sign ?? '', expected: (secret) => signJd(params, secret), timestampMs: chinaTimeMs(params.timestamp), accessToken: params.access_token, refreshToken: undefined };
    }
    case 'douyin': {
      if (req.method !== 'POST' || (req.path !== '/order/searchList' && req.path !== '/afterSale/List' && req.path !== '/token/refresh')) return undefined;
      const q = text(req.query);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const call = { app_key: q.app_key ?? '', method: q.method ?? '', param_json: douyinParamJson(body), timestamp: q.timestamp ?? '', v: q.v ?? '' };
      return {
        appKey: call.app_key,
        sign: q.sign ?? '',
        expected: (secret) => (q.sign_method === 'hmac-sha256' ? signDouyin(call, secret) : ''),
        timestampMs: epochSecondsMs(q.timestamp),
        accessToken: q.access_token,
        refreshToken: req.path === '/token/refresh' ? String(body.refresh_token ?? '') : undefined,
      };
    }
    case 'pdd': {
      if (req.method !== 'POST' || req.path !== '/api/router') return undefined;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const params: SignedParams = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, String(v)]));
      return {
        appKey: params.client_id ?? '',
        sign: params.sign ?? '',
        expected: (secret) => signPdd(params, secret),
        timestampMs: epochSecondsMs(params.timestamp),
        accessToken: params.access_token,
        refreshToken: params.type === 'pdd.pop.auth.token.refresh' ? (params.refresh_token ?? '') : undefined,
      };
    }
    case 'shop':
    case 'pos':
      return undefined;
    default: {
      const never: never = channel;
      throw new Error(`no platform ${String(never)}`);
    }
  }
}

function chinaTimeMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = parseChinaTime(value);
  return parsed.ok ? parsed.instant.epochMs : undefined;
}

function epochSecondsMs(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{9,11}$/.test(value) ? Number(value) * 1000 : undefined;
}

// Each platform's words for each refusal. TOP's and JD's codes are from their gateway error
// tables (TOP 25/27/29/31; JD 8/12/19); Douyin's err_no and Pinduoduo's codes for sign and
// timestamp are our simulator's choice, in their envelopes, with their token-expired codes.
const ERRORS: Record<'tmall' | 'jd' | 'douyin' | 'pdd', Record<AuthProblem, [code: number, message: string]>> = {
  tmall: { app_key: [29, 'Invalid app Key'], sign: [25, 'Invalid signature'], timestamp: [31, 'Invalid timestamp'], token: [27, 'Invalid session'], refresh_token: [27, 'Invalid refresh token'] },
  jd: { app_key: [18, '无效的app_key'], sign: [12, '无效签名'], timestamp: [8, '非法的时间戳参数'], token: [19, '无效access_token'], refresh_token: [19, '无效refresh_token'] },
  douyin: { app_key: [30001, 'app_key无效'], sign: [40003, '签名校验失败'], timestamp: [40005, 'timestamp已过期'], token: [30002, 'access_token已过期'], refresh_token: [30005, 'refresh_token无效'] },
  pdd: { app_key: [10016, 'client_id不存在'], sign: [10017, 'sign签名不正确'], timestamp: [10035, 'timestamp已过期'], token: [10019, 'access_token已过期'], refresh_token: [10020, 'refresh_token已过期'] },
};

/** A refusal in the platform's own envelope (HTTP 200, as all four answer their errors). */
function errorAnswer(channel: Channel, problem: AuthProblem): ApiResponse {
  if (channel !== 'tmall' && channel !== 'jd' && channel !== 'douyin' && channel !== 'pdd') return { status: 401, body: { error: problem } };
  const [code, message] = ERRORS[channel][problem];
  switch (channel) {
    case 'tmall':
      return { status: 200, body: { error_response: { code, msg: message, sub_code: problem === 'token' ? 'session-expired' : `isv.invalid-${problem}` } } };
    case 'jd':
      return { status: 200, body: { error_response: { code: String(code), zh_desc: message, en_desc: problem } } };
    case 'douyin':
      return { status: 200, body: { code, err_no: code, msg: message, sub_code: `isv.${problem}-invalid`, data: null } };
    case 'pdd':
      return { status: 200, body: { error_response: { error_code: code, error_msg: message, sub_msg: problem } } };
  }
}
