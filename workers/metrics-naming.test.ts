import { describe, expect, it } from 'vitest';
import { recordExternalCall, serviceOf } from './external-calls.ts';
import { createMetrics } from './metrics.ts';

describe('metric names', () => {
  it('follow Prometheus conventions: one prefix, _total counters, seconds for time, no per-minute units', async () => {
    const metrics = await createMetrics().registry.getMetricsAsJSON();
    for (const m of metrics) {
      expect(m.name).toMatch(/^ordersurge_[a-z0-9_]+$/);
      if (String(m.type) === 'counter') expect(m.name).toMatch(/_total$/);
      // prom-client's own Node metrics have a few gauges named _total (active resources): not ours to rename.
      else if (!/^ordersurge_(nodejs|process)_/.test(m.name)) expect(m.name).not.toMatch(/_total$/);
      if (String(m.type) === 'histogram' && !m.name.startsWith('ordersurge_nodejs_')) expect(m.name).toMatch(/_seconds$/);
      expect(m.name).not.toMatch(/per_minute|_ms$|milliseconds/);
    }
  });

  it('serve a KPI without a value as no sample, never as 0', async () => {
    const metrics = createMetrics();
    metrics.kpis.exceptionRate.set({ period: 'today' }, 0.05);
    metrics.kpis.complaintRate.reset();
    const body = await metrics.registry.metrics();
    expect(body).toContain('ordersurge_kpi_exception_ratio{period="today"} 0.05');
    expect(body).not.toMatch(/^ordersurge_kpi_complaint_ratio/m);
  });

  it('count calls to outside services by service and outcome, with their latency', async () => {
    const metrics = createMetrics();
    recordExternalCall(serviceOf('http://127.0.0.1:7311/waybills/batch'), 'transient', 0.2);
    const body = await metrics.registry.metrics();
    expect(body).toMatch(/ordersurge_external_requests_total\{service="carrier",outcome="transient"\} [1-9]/);
    expect(body).toMatch(/ordersurge_external_request_duration_seconds_bucket\{le="0.25",service="carrier"\} [1-9]/);
    expect(serviceOf('http://sms:7312/sms/batch')).toBe('sms');
    expect(serviceOf('http://x/buyer-messages/batch')).toBe('platform');
  });
});
