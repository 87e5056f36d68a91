import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, serveMetrics } from './metrics.ts';

describe('worker metrics', () => {
  const servers: { close(): void }[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  it('serves processed counts, latency and queue depth on /metrics', async () => {
    const metrics = createMetrics();
    metrics.processed.inc({ stage: 'routing', outcome: 'done' }, 3);
    metrics.latency.observe({ stage: 'routing' }, 0.02);
    metrics.queuePending.set({ stage: 'routing' }, 42);
    const server = await serveMetrics(metrics.registry, 0, true);
    servers.push(server);
    const body = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(body).toContain('ordersurge_messages_processed_total{stage="routing",outcome="done"} 3');
    expect(body).toContain('ordersurge_stage_duration_seconds_bucket{le="0.025",stage="routing"} 1');
    expect(body).toContain('ordersurge_queue_pending{stage="routing"} 42');
  });

  it('takes the next free port when the default one is taken, unless told to insist', async () => {
    const first = await serveMetrics(createMetrics().registry, 0, true);
    servers.push(first);
    const second = await serveMetrics(createMetrics().registry, first.port, false);
    servers.push(second);
    expect(second.port).toBeGreaterThan(first.port);
    await expect(serveMetrics(createMetrics().registry, first.port, true)).rejects.toThrow(/metrics: cannot listen on port/);
  });
});
