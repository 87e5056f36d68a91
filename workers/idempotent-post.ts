import { recordExternalCall, serviceOf } from './external-calls.ts';
import { mapLimit } from './map-limit.ts';

/** The answer of an outside service, sorted by what the stage should do about it. */
export type PostResult =
  | { kind: 'ok'; body: Record<string, unknown> }
  /** 4xx: asking again will not help. */
  | { kind: 'rejected'; error: string }
  /** 5xx, timeout or network: worth another try. */
  | { kind: 'transient'; error: string };

/**
 * POSTs JSON with an Idempotency-Key, so that retrying after a lost answer never makes the
 * service act twice (a second waybill, a second SMS).
 */
export async function idempotentPost(url: string, key: string, body: unknown, timeoutMs = 5000): Promise<PostResult> {
  const answer = await postJson(url, body, { 'idempotency-key': key }, timeoutMs);
  if (answer.kind !== 'answered') return answer;
  return classify(url, answer.status, answer.body);
}

/** One item of a batch call: its own idempotency key and fields. */
export interface BatchItem {
  key: string;
  body: Record<string, unknown>;
}

/**
 * POSTs `items` to a batch endpoint (`{ items: [{ key, ...body }] }`, answered `{ results: [{
 * key, status, body }] }`) in calls of at most `limit` items, a few calls at once. Every item
 * keeps its own idempotency key, so a retried batch never acts twice on any item. Returns each
 * key's result; a failed call makes all its items transient.
 */
export async function idempotentPostBatch(url: string, items: readonly BatchItem[], limit: number, timeoutMs = 5000): Promise<Map<string, PostResult>> {
  const results = new Map<string, PostResult>();
  const chunks: BatchItem[][] = [];
  for (let i = 0; i < items.length; i += limit) chunks.push(items.slice(i, i + limit));
  await mapLimit(chunks, 4, async (chunk) => {
    const answer = await postJson(url, { items: chunk.map((item) => ({ ...item.body, key: item.key })) }, {}, timeoutMs);
    const whole = answer.kind === 'answered' ? classify(url, answer.status, answer.body) : answer;
    const perItem = whole.kind === 'ok' ? whole.body.results : undefined;
    if (!Array.isArray(perItem)) {
      const failed: PostResult = whole.kind === 'ok' ? { kind: 'transient', error: `POST ${url}: answer has no results` } : whole;
      for (const item of chunk) results.set(item.key, failed);
      return;
    }
    for (const r of perItem as { key?: unknown; status?: unknown; body?: unknown }[]) {
      if (typeof r.key === 'string' && typeof r.status === 'number') results.set(r.key, classify(url, r.status, r.body));
    }
    for (const item of chunk) if (!results.has(item.key)) results.set(item.key, { kind: 'transient', error: `POST ${url}: no result for ${item.key}` });
  });
  return results;
}

type Answer = { kind: 'answered'; status: number; body: unknown } | { kind: 'transient'; error: string };

/** Every call to an outside service goes through here, so here it is counted and timed. */
async function postJson(url: string, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<Answer> {
  const started = performance.now();
  const answer = await send(url, body, headers, timeoutMs);
  const outcome = answer.kind === 'transient' || answer.status >= 500 || answer.status === 429 ? 'transient' : answer.status >= 400 ? 'rejected' : 'ok';
  recordExternalCall(serviceOf(url), outcome, (performance.now() - started) / 1000);
  return answer;
}

async function send(url: string, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { kind: 'transient', error: `POST ${url}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const text = await res.text().catch(() => '');
  try {
    return { kind: 'answered', status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  } catch {
    if (res.status >= 400) return { kind: 'answered', status: res.status, body: text.slice(0, 200) };
    return { kind: 'transient', error: `POST ${url}: answer is not JSON` };
  }
}

function classify(url: string, status: number, body: unknown): PostResult {
  const said = (): string => (typeof body === 'string' ? body : JSON.stringify(body ?? '')).slice(0, 200);
  if (status >= 500 || status === 429) return { kind: 'transient', error: `POST ${url}: HTTP ${status} ${said()}` };
  if (status >= 400) return { kind: 'rejected', error: `POST ${url}: HTTP ${status} ${said()}` };
  if (typeof body !== 'object' || body === null) return { kind: 'transient', error: `POST ${url}: answer is not a JSON object` };
  return { kind: 'ok', body: body as Record<string, unknown> };
}
