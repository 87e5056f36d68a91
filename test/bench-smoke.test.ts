import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { runPipelineBench } from '../scripts/bench/pipeline-bench.ts';
import { measureCeiling } from '../scripts/bench/relay-ceiling.ts';
import { connectBus } from '../streams/connect.ts';

// The benchmarks at a size that proves they count right; their speed is not asserted here.
describe('the benchmarks, tiny', () => {
  it('bench pipeline: every fed order notified once, none lost or duplicated, everything cleaned up', async () => {
    const result = await runPipelineBench({ orders: 300, processes: [['all']], rate: 0, seed: 7, vsCeiling: true, stallSeconds: 30, workerArgs: [], log: () => undefined });
    expect(result).toMatchObject({ orders: 300, notified: 300, exceptions: 0, deadLetters: 0, lost: 0, duplicates: 0 });
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.latencyMs.p99).toBeGreaterThanOrEqual(result.latencyMs.p50);
    expect(result.ratio).toBeGreaterThan(0);
    const bus = await connectBus(inject('natsUrl'), 'test-bench-smoke');
    try {
      const left = [];
      for await (const name of bus.jsm.streams.names()) if (name.startsWith(result.namespace)) left.push(name);
      expect(left).toEqual([]);
    } finally {
      await bus.close();
    }
  }, 120_000);

  it('bench ceiling: relays every message through six hops and deletes its streams', async () => {
    const bus = await connectBus(inject('natsUrl'), 'test-bench-ceiling');
    try {
      const namespace = `ceilingtest${Date.now().toString(36)}`;
      const result = await measureCeiling(bus, namespace, 200, 1500);
      expect(result).toMatchObject({ orders: 200, hops: 6, payloadBytes: 1500 });
      expect(result.ordersPerSecond).toBeGreaterThan(0);
      const left = [];
      for await (const name of bus.jsm.streams.names()) if (name.startsWith(namespace)) left.push(name);
      expect(left).toEqual([]);
    } finally {
      await bus.close();
    }
  });
});
