import { afterAll, beforeAll } from 'vitest';

/** Breaker timings short enough for a test: open after 3 failed calls, probe every 300 ms, first retry after 20 ms. */
export const SHORT_BREAKERS = { ORDERSURGE_BREAKER_FAILURES: '3', ORDERSURGE_BREAKER_HALF_OPEN_MS: '300', ORDERSURGE_BREAKER_RETRY_MS: '20' };

/**
 * Gives the file's workers `SHORT_BREAKERS` in place of production's timings, and the
 * environment back after the file. Call it in the describe block, before the pipeline is made.
 */
export function useShortBreakers(): void {
  const saved = { ...process.env };
  beforeAll(() => {
    Object.assign(process.env, SHORT_BREAKERS);
  });
  afterAll(() => {
    process.env = saved;
  });
}
