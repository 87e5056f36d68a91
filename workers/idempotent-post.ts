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
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { kind: 'transient', error: `POST ${url}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const text = await res.text().catch(() => '');
  if (res.status >= 500 || res.status === 429) return { kind: 'transient', error: `POST ${url}: HTTP ${res.status} ${text.slice(0, 200)}` };
  if (res.status >= 400) return { kind: 'rejected', error: `POST ${url}: HTTP ${res.status} ${text.slice(0, 200)}` };
  try {
    return { kind: 'ok', body: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { kind: 'transient', error: `POST ${url}: answer is not JSON` };
  }
}
