import { createHash, createHmac } from 'node:crypto';

/** A request's parameters as the platform receives them (every value already text). */
export type SignedParams = Readonly<Record<string, string>>;

/**
 * The parameter names and values in ASCII order of the names, each name followed by its value
 * with nothing between (`bar2foo1foo_bar3foobar4`), as every one of these platforms strings them.
 * `sign` itself and empty values are left out, as TOP's reference client does.
 */
export function sortedParamString(params: SignedParams): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign' && params[key] !== '')
    .sort()
    .map((key) => `${key}${params[key]}`)
    .join('');
}

const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * Taobao/Tmall TOP: `md5` is MD5(secret + sorted params + secret), `hmac` is HMAC-MD5 keyed by the
 * secret over the sorted params alone; upper-case hex either way.
 *
 * @example
 * signTop({ app_key: '12345678', method: 'taobao.trades.sold.increment.get', ... , sign_method: 'md5' }, secret)
 */
export function signTop(params: SignedParams, secret: string): string {
  const text = sortedParamString(params);
  const method = params.sign_method;
  if (method === 'hmac') return createHmac('md5', secret).update(text, 'utf8').digest('hex').toUpperCase();
  if (method === 'md5') return md5Hex(`${secret}${text}${secret}`).toUpperCase();
  throw new RangeError(`sign_method: must be md5 or hmac, got ${JSON.stringify(method)}`);
}

/** JD (jos): MD5(secret + sorted params, `360buy_param_json` among them, + secret), upper-case hex. */
export function signJd(params: SignedParams, secret: string): string {
  return md5Hex(`${secret}${sortedParamString(params)}${secret}`).toUpperCase();
}

/** Pinduoduo: MD5(client_secret + sorted params + client_secret), upper-case hex. */
export function signPdd(params: SignedParams, clientSecret: string): string {
  return md5Hex(`${clientSecret}${sortedParamString(params)}${clientSecret}`).toUpperCase();
}

/** The fields of a Douyin shop (doudian) call that its sign covers. */
export interface DouyinSignedCall {
  app_key: string;
  method: string;
  /** Already serialized with {@link douyinParamJson}. */
  param_json: string;
  timestamp: string;
  v: string;
}

/**
 * Douyin's `param_json`: the business parameters as JSON with keys sorted at every level and no
 * spaces, so the platform re-serializes exactly the text that was signed.
 */
export function douyinParamJson(params: unknown): string {
  return JSON.stringify(sortKeys(params));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(object).sort().map((key) => [key, sortKeys(object[key])]));
}

/**
 * Douyin shop, sign_method hmac-sha256: HMAC-SHA256 keyed by the secret over secret + `app_key…
 * method… param_json… timestamp… v…` + secret, lower-case hex.
 */
export function signDouyin(call: DouyinSignedCall, secret: string): string {
  const text = `app_key${call.app_key}method${call.method}param_json${call.param_json}timestamp${call.timestamp}v${call.v}`;
  return createHmac('sha256', secret).update(`${secret}${text}${secret}`, 'utf8').digest('hex');
}
