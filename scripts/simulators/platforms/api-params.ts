import type { JsonRequest } from '../json-server.ts';
import { parseChinaTime } from '../../../workers/ingest/adapters/china-time.ts';

/** A request parameter a platform refuses; each simulator words the answer its platform's way. */
export class ParamError extends Error {
  readonly code = 'PARAM';
  override name = 'ParamError';
  constructor(
    readonly param: string,
    problem: string,
  ) {
    super(`${param}: ${problem}`);
  }
}

/**
 * The parameters of a call, from the query string or a JSON object body (TOP and JD take them in
 * the query, Douyin and Pinduoduo in a JSON body).
 */
export class ApiParams {
  private readonly values = new Map<string, string>();

  constructor(req: JsonRequest) {
    for (const [k, v] of req.query) this.values.set(k, v);
    // JD's signed calls carry their business parameters as one JSON text.
    const jdParams = req.query.get('360buy_param_json');
    if (jdParams) {
      try {
        for (const [k, v] of Object.entries(JSON.parse(jdParams) as Record<string, unknown>)) if (v !== null && v !== undefined) this.values.set(k, String(v));
      } catch {
        throw new ParamError('360buy_param_json', 'is not a JSON object');
      }
    }
    if (req.body && typeof req.body === 'object' && !Array.isArray(req.body)) {
      for (const [k, v] of Object.entries(req.body)) if (v !== null && v !== undefined) this.values.set(k, String(v));
    }
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  text(name: string, fallback?: string): string {
    const value = this.values.get(name) ?? fallback;
    if (value === undefined) throw new ParamError(name, 'is required');
    return value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.values.get(name);
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new ParamError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    return n;
  }

  /** A time as the platform writes it: China-time text, ISO-8601 with offset, or epoch seconds. */
  time(name: string): number {
    const raw = this.text(name);
    const parsed = parseChinaTime(raw);
    if (!parsed.ok) throw new ParamError(name, `${parsed.problem}, got ${JSON.stringify(raw)}`);
    return parsed.instant.epochMs;
  }
}

/** Page `pageNo` (counting from `firstPage`) of `items`. */
export function offsetPage<T>(items: readonly T[], pageNo: number, pageSize: number, firstPage = 1): T[] {
  const start = (pageNo - firstPage) * pageSize;
  return items.slice(start, start + pageSize);
}
