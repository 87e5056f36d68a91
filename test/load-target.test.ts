import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isClusterRunning } from '../scripts/load/running-cluster.ts';
import { CORE_STAGES } from '../streams/pipeline.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

describe('ordersurge load finds a running pipeline', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('counts a namespace as running only while every core stage has a worker pulling', async () => {
    // Streams and consumers in place, no worker: a stale topology is not a running pipeline.
    expect(await isClusterRunning(p.bus, p.names)).toBe(false);
    const partial = await p.startWorkers(CORE_STAGES.slice(0, 2));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await isClusterRunning(p.bus, p.names)).toBe(false);
    const rest = await p.startWorkers(CORE_STAGES.slice(2));
    await eventually(async () => ((await isClusterRunning(p.bus, p.names)) ? true : undefined), 10_000, 'every core stage pulling');
    await Promise.all([partial.stop(), rest.stop()]);
    await eventually(async () => ((await isClusterRunning(p.bus, p.names)) ? undefined : true), 10_000, 'the pulls to end');
  }, 60_000);
});
