import { describe, expect, it } from 'vitest';
import { poolUsage } from './pool-usage.ts';

describe('poolUsage', () => {
  it('is the busy share of thread time since the previous reading', () => {
    let t = 0;
    const usage = poolUsage(2, () => t);
    usage.started();
    t = 1000;
    expect(usage.take()).toBeCloseTo(0.5);
    usage.started();
    t = 1500;
    usage.finished();
    usage.finished();
    t = 2000;
    // Two threads busy for half of the second, none for the other half.
    expect(usage.take()).toBeCloseTo(0.5);
    t = 3000;
    expect(usage.take()).toBe(0);
  });

  it('does not count queued tasks beyond the threads', () => {
    let t = 0;
    const usage = poolUsage(1, () => t);
    for (let i = 0; i < 5; i++) usage.started();
    t = 100;
    expect(usage.take()).toBe(1);
  });
});
