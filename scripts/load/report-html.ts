import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { LoadReport } from './run-load.ts';

const require = createRequire(import.meta.url);

/**
 * The load report as one self-contained HTML page: uPlot (a small, well-kept charting library)
 * and its stylesheet are inlined, so the page opens anywhere without a network.
 */
export function renderLoadReportHtml(report: LoadReport): string {
  const uplotJs = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const stages = Object.keys(report.series[0]?.queues ?? {});
  const data = {
    t: report.series.map((s) => s.t),
    wanted: report.series.map((s) => s.wantedPerS),
    offered: report.series.map((s) => s.offeredPerS),
    completed: report.series.map((s) => s.completedPerS),
    core: report.series.map((s) => s.coreCompletedPerS ?? 0),
    peak: report.series.map((s) => (s.peak ? 1 : 0)),
    queues: stages.map((stage) => report.series.map((s) => s.queues[stage] ?? 0)),
    lt: report.latencySeries.map((l) => l.t),
    p50: report.latencySeries.map((l) => l.p50),
    p95: report.latencySeries.map((l) => l.p95),
    p99: report.latencySeries.map((l) => l.p99),
  };
  const row = (label: string, value: string | number): string => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(String(value))}</td></tr>`;
  const periods = report.peakPeriods.map((p) => `${p.from}s to ${p.to === null ? 'the end' : `${p.to}s`}`).join(', ') || 'none';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ordersurge load report: ${escapeHtml(report.profile)}</title>
<style>${uplotCss}
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; } th, td { text-align: left; padding: 2px 12px 2px 0; } th { font-weight: 600; }
.bad { color: #b00; } h2 { margin-top: 2em; }
</style></head><body>
<h1>Load report: ${escapeHtml(report.profile)}</h1>
<p>${escapeHtml(report.does)}. On ${report.cluster === 'own' ? 'a pipeline of its own' : escapeHtml(`the ${report.cluster} cluster`)}, seed ${report.seed}. Started ${escapeHtml(report.startedAt)}, ran ${report.seconds.toFixed(0)} s.${report.stoppedEarly ? ' <strong class="bad">Stopped early: lost includes what was still in flight.</strong>' : ''}</p>
<table>
${row('offered', report.offered)}${row('completed (notified)', report.completed)}${row('cancelled before the waybill', report.cancelled)}${row('exceptions (held for an operator)', `${report.exceptions}${report.exceptions > 0 ? ` (${Object.entries(report.exceptionsByType).map(([type, n]) => `${type} ${n}`).join(', ')})` : ''}`)}
${row('lost', report.lost)}${row('duplicated', report.duplicated)}${row('oversold units', report.oversold)}
${row('deferred in peak mode', report.deferred)}${row('replayed after it', report.replayed)}${row('deferred work replayed within (s after the last order offered)', report.replayDoneAfterS ?? 'not done')}
${row('core throughput (orders/s, to waybill)', report.throughput.toFixed(1))}${row(`core goodput over ${report.measured.from}-${report.measured.to} s (orders/s)`, report.goodputWhileOffered.toFixed(1))}
${report.overload ? row(`overload: goodput over the sustainable rate (${report.overload.sustainableMeasured ? 'measured in the saturating lead-in' : 'given; core rate in the lead-in at it'})`, `${(report.overload.goodputRatio * 100).toFixed(0)}% of ${report.overload.sustainable}/s (${report.overload.leadInCorePerS.toFixed(0)}/s)`) : ''}
${row('core backlog drained (s after the schedule ended)', report.backlogDrainedAfterS === null ? 'never' : report.backlogDrainedAfterS.toFixed(0))}${row('redelivered messages at most (ack wait ran out, retries)', report.redeliveredMax)}
${row('core latency p50 / p95 / p99 (ms, ingest to waybill)', `${report.coreLatencyMs.p50} / ${report.coreLatencyMs.p95} / ${report.coreLatencyMs.p99}`)}
${row('latency to notified p50 / p95 / p99 (ms, includes deferral)', `${report.latencyMs.p50} / ${report.latencyMs.p95} / ${report.latencyMs.p99}`)}
${row('core latency during peak mode p50 / p95 / p99 (ms)', report.peakCoreLatencyMs ? `${report.peakCoreLatencyMs.p50} / ${report.peakCoreLatencyMs.p95} / ${report.peakCoreLatencyMs.p99}` : 'no peak')}
${row('relay ceiling (orders/s) and the pipeline\'s share of it', `${report.ceilingOrdersPerSecond.toFixed(0)}, ${report.ceilingRatio.toFixed(2)}`)}
${row('worker peak RSS (MB)', report.workerPeakRssMb)}${row('peak mode', periods)}
</table>
<h2>Orders per second: wanted by the profile, taken in (admission holds the rest at its source), waybilled (the core), notified; peak mode shaded</h2><div id="rate"></div>
<h2>Latency, ingest to notified, by publish time (ms)</h2><div id="latency"></div>
<h2>Queue depth per stage (pending + unacked)</h2><div id="queues"></div>
<script>${uplotJs}</script>
<script>
const d = ${JSON.stringify(data)};
const stages = ${JSON.stringify(stages)};
const width = Math.min(1100, window.innerWidth - 60);
const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const shadePeak = (u) => {
  const { ctx } = u;
  ctx.save(); ctx.fillStyle = 'rgba(255, 160, 0, 0.12)';
  d.t.forEach((t, i) => { if (d.peak[i] && i + 1 < d.t.length) { const x0 = u.valToPos(t, 'x', true), x1 = u.valToPos(d.t[i + 1], 'x', true); ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height); } });
  ctx.restore();
};
new uPlot({ width, height: 300, hooks: { drawClear: [shadePeak] }, series: [{ label: 's' }, { label: 'wanted/s', stroke: colors[7], dash: [4, 4] }, { label: 'taken in/s', stroke: colors[0] }, { label: 'waybilled/s (core)', stroke: colors[3] }, { label: 'notified/s', stroke: colors[2] }] }, [d.t, d.wanted, d.offered, d.core, d.completed], document.getElementById('rate'));
new uPlot({ width, height: 300, series: [{ label: 's' }, { label: 'p50', stroke: colors[2] }, { label: 'p95', stroke: colors[1] }, { label: 'p99', stroke: colors[3] }] }, [d.lt, d.p50, d.p95, d.p99], document.getElementById('latency'));
new uPlot({ width, height: 300, hooks: { drawClear: [shadePeak] }, series: [{ label: 's' }, ...stages.map((s, i) => ({ label: s, stroke: colors[i % colors.length] }))] }, [d.t, ...d.queues], document.getElementById('queues'));
</script>
</body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}
