import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CallHeldError, circuitRegistry, serviceBreaker } from './service-breaker.ts';

describe('serviceBreaker', () => {
  it('opens after failed calls, holds callers without calling, probes half-open and closes, exporting its state', async () => {
    const lines: string[] = [];
    const breaker = serviceBreaker('unit-carrier', { failuresToOpen: 2, halfOpenAfterMs: 100, attempts: 1, retryBaseMs: 1, log: (l) => lines.push(l) });
    const signal = new AbortController().signal;
    let up = false;
    let calls = 0;
    const service = async () => {
      calls++;
      if (!up) throw new Error('503');
      return 'ok';
    };
    await expect(breaker.call(service, signal)).rejects.toThrow('503');
    // The second failure opens it: the call is then held, not failed, until a probe succeeds.
    const held = breaker.call(service, signal);
    await new Promise((r) => setTimeout(r, 350));
    expect(breaker.state()).toBe('open');
    const whileDown = calls;
    expect(whileDown).toBeLessThanOrEqual(2 + 4); // two failures, then about one probe per 100 ms
    up = true;
    await expect(held).resolves.toBe('ok');
    expect(breaker.state()).toBe('closed');
    expect(lines.map((l) => l.split(';')[0])).toEqual(expect.arrayContaining(['circuit unit-carrier: open', 'circuit unit-carrier: half_open', 'circuit unit-carrier: closed']));
    expect(await circuitRegistry.metrics()).toContain('ordersurge_circuit_state{service="unit-carrier"} 0');
  });

  it('lets a held caller go when its worker stops', async () => {
    const breaker = serviceBreaker('unit-sms', { failuresToOpen: 1, halfOpenAfterMs: 60_000, attempts: 1, retryBaseMs: 1, log: () => undefined });
    const stop = new AbortController();
    const failing = async () => {
      throw new Error('down');
    };
    const held = breaker.call(failing, stop.signal);
    setTimeout(() => stop.abort(), 50);
    await expect(held).rejects.toBeInstanceOf(CallHeldError);
  });

  it('attempts without waiting: held while open, with how long until the probe; answered once the probe gets through', async () => {
    const breaker = serviceBreaker('unit-carrier-attempt', { failuresToOpen: 1, halfOpenAfterMs: 200, attempts: 1, retryBaseMs: 1, log: () => undefined });
    let up = false;
    let calls = 0;
    const service = async () => {
      calls++;
      if (!up) throw new Error('503');
      return 'ok';
    };
    // The failure that opens it comes back as held: the caller hands its work back rather than retrying it.
    const first = await breaker.attempt(service);
    expect(first.kind).toBe('held');
    expect(breaker.usable()).toBe(false);
    const held = await breaker.attempt(service);
    expect(held).toMatchObject({ kind: 'held' });
    expect(held.kind === 'held' && held.retryInMs).toBeLessThanOrEqual(200);
    expect(calls).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    expect(breaker.usable()).toBe(true);
    up = true;
    expect(await breaker.attempt(service)).toEqual({ kind: 'answered', value: 'ok' });
    expect(breaker.state()).toBe('closed');
    expect(calls).toBe(2);
  });
  it('holds many callers on one open breaker with one abort listener on their stop signal, none left once they are through', async () => {
    // A worker's held batches share its one stop signal: a listener each passed Node's limit of
    // ten and printed MaxListenersExceededWarning in a carrier outage.
    const breaker = serviceBreaker('unit-wms-waiters', { failuresToOpen: 1, halfOpenAfterMs: 150, attempts: 1, retryBaseMs: 1, log: () => undefined });
    const stop = new AbortController();
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    let up = false;
    const service = async () => {
      if (!up) throw new Error('503');
      return 'ok';
    };
    try {
      const first = breaker.call(service, stop.signal);
      await new Promise((r) => setTimeout(r, 20));
      expect(breaker.state()).toBe('open');
      const held = [first, ...Array.from({ length: 50 }, () => breaker.call(service, stop.signal))];
      let most = 0;
      const sampler = setInterval(() => (most = Math.max(most, getEventListeners(stop.signal, 'abort').length)), 5);
      await new Promise((r) => setTimeout(r, 500));
      up = true;
      await expect(Promise.all(held)).resolves.toHaveLength(51);
      clearInterval(sampler);
      expect(most).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(2);
      expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});

