import { afterAll, describe, expect, it } from 'vitest';
import { PDD } from '../../../scripts/simulators/platforms/pdd-platform.ts';
import { startPlatformSimulator, type PlatformSimulator } from '../../../scripts/simulators/platforms/platform-simulator.ts';
import { AppCallLimit } from './app-call-limit.ts';
import { PlatformHttp } from './platform-http.ts';

describe('the call limit of an app', () => {
  const sims: PlatformSimulator<unknown>[] = [];
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.close()));
  });
  const start = async (requestsPerSecond: number) => {
    const sim = (await startPlatformSimulator(PDD, { firstSeq: 1, requestsPerSecond, burst: 1 })) as PlatformSimulator<unknown>;
    sims.push(sim);
    return sim;
  };

  it("holds every shop of the app while one shop's call is banned, and only that app's", async () => {
    const banned = await start(0.5);
    const other = await start(0);
    const limits = new AppCallLimit();
    const signal = AbortSignal.timeout(20_000);
    const http = (url: string, appKey: string) => new PlatformHttp({ channel: 'pdd', baseUrl: url, appKey, appLimits: limits });
    const shopA = http(banned.url, 'app-1');
    await shopA.post('/api/router', { type: 'probe' }, signal);
    // The next call of shop A is refused with a 2 s ban; shop B of the same app must wait it out.
    const refused = shopA.post('/api/router', { type: 'probe' }, signal);
    for (let i = 0; i < 100 && limits.remainingMs('pdd:app-1') === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(limits.remainingMs('pdd:app-1')).toBeGreaterThan(1000);
    const t0 = Date.now();
    const [sameApp, otherApp] = await Promise.all([
      http(other.url, 'app-1').post('/api/router', { type: 'probe' }, signal).then(() => Date.now() - t0),
      http(other.url, 'app-2').post('/api/router', { type: 'probe' }, signal).then(() => Date.now() - t0),
    ]);
    await refused;
    expect(sameApp).toBeGreaterThan(1000);
    expect(otherApp).toBeLessThan(500);
    expect(banned.stats().ignoredRetryAfter).toBe(0);
  });
});
