/** Exponential backoff with jitter, capped at a minute: the delay before attempt `attempt + 1`. */
export function backoff(attempt: number, baseMs: number): number {
  const exp = Math.min(60_000, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.75 + Math.random() * 0.5));
}
