import './fixtures/force-colour.ts';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { INITIAL_UI } from './console-keys.ts';
import { ConsoleScreen, type ConsoleScreenProps } from './console-screen.tsx';
import { knownConsoleData } from './fixtures/known-console-data.ts';
import { KpiPanel } from './kpi-panel.tsx';
import { PeakPanel } from './peak-panel.tsx';
import { PipelinePanel } from './pipeline-panel.tsx';
import { DeadLettersView } from './dead-letters-view.tsx';
import { ExceptionsView } from './exceptions-view.tsx';
import { DEFAULT_THRESHOLDS } from './thresholds.ts';

const screen = (overrides: Partial<ConsoleScreenProps> = {}) =>
  render(<ConsoleScreen data={knownConsoleData()} ui={INITIAL_UI} thresholds={DEFAULT_THRESHOLDS} columns={80} rows={24} deadLetters={{ rows: null }} exceptions={{ rows: null }} message={null} {...overrides} />);
const plain = (s: string | undefined): string => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');

describe('console screen (80x24)', () => {
  it('fits 80 columns and 24 rows', () => {
    const lines = plain(screen().lastFrame()).split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('says which server is away', () => {
    const frame = plain(screen({ data: knownConsoleData({ nats: { up: false, since: new Date('2026-11-11T00:00:00Z'), error: 'disconnected' } }) }).lastFrame());
    expect(frame).toMatch(/NATS away since \d\d:\d\d:\d\d/);
    expect(frame).toContain('Postgres ok');
  });
});

describe('pipeline panel', () => {
  it('shows every stage in pipeline order with its figures', () => {
    const { stages, history, workers } = knownConsoleData();
    const frame = plain(render(<PipelinePanel stages={stages} history={history} workers={workers} thresholds={DEFAULT_THRESHOLDS} width={78} />).lastFrame());
    const order = ['ingest', 'dedupe', 'pricing', 'routing', 'pick', 'waybill', 'notify', 'points', 'review'].map((s) => frame.indexOf(`${s} `));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const routing = frame.split('\n').find((l) => l.includes('routing '))!;
    // in/s, out/s, queue 12,500 + 3, oldest 95 s, one worker.
    expect(routing).toMatch(/routing\s+44\s+43\s.*12\.5k\s+1m35s\s+0\s+0\s+1\s+-/);
    const ingest = frame.split('\n').find((l) => l.includes('ingest '))!;
    expect(ingest).toContain('▁▂▃▅█');
    expect(ingest).toMatch(/97%/);
  });

  it('colours by threshold: red over the alarm, yellow over the warning', () => {
    const { stages, history, workers } = knownConsoleData();
    const raw = render(<PipelinePanel stages={stages} history={history} workers={workers} thresholds={DEFAULT_THRESHOLDS} width={78} />).lastFrame()!;
    const routing = raw.split('\n').find((l) => l.includes('routing '))!;
    expect(routing).toContain('\x1b[31m  12.5k'); // red: over 10,000
    const waybill = raw.split('\n').find((l) => l.includes('waybill '))!;
    expect(waybill).toContain('\x1b[33m     3'); // yellow: redelivered over 1
    const loose = render(<PipelinePanel stages={stages} history={history} workers={workers} thresholds={{ ...DEFAULT_THRESHOLDS, queueDepth: { warn: 100_000, alarm: 200_000 } }} width={78} />).lastFrame()!;
    expect(loose.split('\n').find((l) => l.includes('routing '))).toContain('\x1b[32m  12.5k'); // green under configured thresholds
  });

  it('keeps only the stages the filter names', () => {
    const { stages, history, workers } = knownConsoleData();
    const frame = plain(render(<PipelinePanel stages={stages} history={history} workers={workers} thresholds={DEFAULT_THRESHOLDS} width={78} filter="way" />).lastFrame());
    expect(frame).toContain('waybill');
    expect(frame).not.toContain('routing');
  });
});

describe('peak panel', () => {
  it('shows mode, setting, why and since when, inflow against the thresholds, deferred backlog', () => {
    const frame = plain(render(<PeakPanel peak={knownConsoleData().peak} width={60} />).lastFrame());
    expect(frame).toContain('Peak mode ON (setting auto)');
    expect(frame).toMatch(/since \d\d:\d\d:\d\d by peak guard/);
    expect(frame).toContain('why: inflow 3000/min above 50 for 600 s');
    expect(frame).toContain('inflow 3000/min (in >50, out <40)');
    expect(frame).toContain('deferred 1500: notify 1500');
  });
  it('shows replay progress', () => {
    const peak = { ...knownConsoleData().peak!, replay: { done: 300, waiting: 700 } };
    expect(plain(render(<PeakPanel peak={peak} width={60} />).lastFrame())).toContain('replay 300 done, 700 to go (30%)');
  });
});

describe('KPI panel', () => {
  it('shows the five KPIs with their limits, no data where there is none, and the alert with its top types', () => {
    const frame = plain(render(<KpiPanel kpis={knownConsoleData().kpis} width={80} />).lastFrame());
    expect(frame).toMatch(/processing\s+1h06m <= 2 h/);
    expect(frame).toMatch(/exceptions\s+12\.0% < 8%/);
    expect(frame).toMatch(/inventory\s+99\.5% >= 99\.2%/);
    expect(frame).toMatch(/complaints\s+no data <= 0\.5% no data source yet/);
    expect(frame).toContain('ALERT 3 periods over: backorder 40, payment_mismatch 9');
  });
  it('colours a KPI by its health', () => {
    const raw = render(<KpiPanel kpis={knownConsoleData().kpis} width={80} />).lastFrame()!;
    expect(raw).toContain('\x1b[31m   12.0%');
    expect(raw).toContain('\x1b[32m   1h06m');
  });
  it('says KPIs unavailable on an error', () => {
    expect(plain(render(<KpiPanel kpis={{ status: 'unavailable', error: 'relation "x" does not exist' }} width={80} />).lastFrame())).toContain('KPIs unavailable: relation "x" does not exist');
  });
});

describe('dead letters and exceptions views', () => {
  const letters = [
    { seq: 7, stage: 'waybill', error: 'carrier said 500', attempts: 8, failedAt: '2026-11-11T00:01:02.000Z', payload: '{"orderId":"shop:1"}' },
    { seq: 9, stage: 'ingest', error: 'orders.order[0].num: must be positive', attempts: 1, failedAt: '2026-11-11T00:01:03.000Z', payload: '{"mobile":"138****0000"}' },
  ];
  it('lists dead letters with the selected one highlighted, and inspects one', () => {
    const list = render(<DeadLettersView letters={letters} selected={1} inspecting={false} width={80} height={10} />).lastFrame()!;
    expect(plain(list)).toMatch(/#7\s+waybill\s+x8 00:01:02 carrier said 500/);
    expect(list.split('\n').find((l) => l.includes('#9'))).toContain('\x1b[7m');
    const one = plain(render(<DeadLettersView letters={letters} selected={1} inspecting width={80} height={10} />).lastFrame());
    expect(one).toContain('#9  stage ingest  attempts 1');
    expect(one).toContain('error: orders.order[0].num: must be positive');
    expect(one).toContain('{"mobile":"138****0000"}');
  });
  it('lists exceptions and inspects one', () => {
    const orders = [{ id: 'shop:5012345', channel: 'shop', type: 'backorder', detail: 'backorder: SKU-1 short by 2', since: new Date('2026-11-11T00:00:00Z') }];
    expect(plain(render(<ExceptionsView orders={orders} selected={0} inspecting={false} width={80} height={10} />).lastFrame())).toMatch(/shop:5012345\s+backorder\s+backorder: SKU-1 short by 2/);
    const one = plain(render(<ExceptionsView orders={orders} selected={0} inspecting width={80} height={10} />).lastFrame());
    expect(one).toContain('type: backorder');
    expect(one).toContain('detail: backorder: SKU-1 short by 2');
  });
});

describe('shops', () => {
  const at = new Date('2026-11-11T00:10:00+08:00');
  const shops = [
    { channel: 'jd', shop: 'jd-main', registered: true, cursorAt: new Date(at.getTime() - 20_000), lastAdvancedAt: new Date(at.getTime() - 15_000), published: 1200, failures: 0, consecutiveFailures: 0, lastError: null, reauthorise: null },
    { channel: 'tmall', shop: 'tmall-outlet', registered: true, cursorAt: new Date(at.getTime() - 7_500_000), lastAdvancedAt: new Date(at.getTime() - 7_500_000), published: 40, failures: 12, consecutiveFailures: 12, lastError: 'token refresh failed', reauthorise: { since: new Date(at.getTime() - 7_200_000), error: 'token refresh failed: TOP 27: invalid refresh token' } },
  ];

  it('names the shops to re-authorise on the top line, whatever the view', () => {
    const frame = plain(screen({ data: knownConsoleData({ shops }) }).lastFrame());
    expect(frame.split('\n')[0]).toContain('1 shop to re-authorise (s)');
    expect(plain(screen().lastFrame()).split('\n')[0]).not.toContain('re-authorise');
  });

  it('lists each shop with how long ago its cursor moved, the ones to re-authorise first', () => {
    const frame = plain(screen({ data: knownConsoleData({ shops }), ui: { ...INITIAL_UI, view: 'shops' } }).lastFrame());
    const lines = frame.split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    const outlet = lines.findIndex((l) => l.startsWith('tmall/tmall-outlet'));
    const main = lines.findIndex((l) => l.startsWith('jd/jd-main'));
    expect(outlet).toBeGreaterThan(0);
    expect(main).toBeGreaterThan(outlet);
    expect(lines[outlet]).toMatch(/RE-AUTHORISE\s+2h05m ago\s+40 {2}since 2h00m ago: TOP 27/);
    expect(lines[main]).toMatch(/ok\s+15s ago\s+1200/);
  });
});
