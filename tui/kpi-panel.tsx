import { Box, Text } from 'ink';
import type { Kpi } from '../workers/kpi/kpi-report.ts';
import type { KpiView } from './console-data.ts';
import { clock, count, seconds } from './figures.ts';

export interface KpiPanelProps {
  kpis: KpiView;
  width: number;
}

const LABEL: Record<string, string> = {
  processing_time: 'processing',
  exception_rate: 'exceptions',
  inventory_accuracy: 'inventory',
  complaint_rate: 'complaints',
  reconciliation_difference: 'reconcile',
};

function value(k: Kpi): string {
  if (k.value === null) return 'no data';
  if (k.unit === 'seconds') return seconds(k.value);
  if (k.unit === 'ratio') return `${(k.value * 100).toFixed(1)}%`;
  return `${count(k.value)} ${k.unit}`;
}

/** The seller's five KPIs today with their healthy limits, coloured; the exception alert with the top exception types when it fires. */
export function KpiPanel({ kpis, width }: KpiPanelProps) {
  const inner = width - 2;
  if (kpis.status !== 'ok') {
    return (
      <Box flexDirection="column" borderStyle="single" width={width} flexShrink={0}>
        <Text bold>KPIs today</Text>
        {kpis.status === 'loading' ? <Text dimColor>reading...</Text> : <Text color="yellow" wrap="truncate-end">{`KPIs unavailable: ${kpis.error}`.slice(0, inner * 2)}</Text>}
      </Box>
    );
  }
  const { report, at } = kpis;
  const { alert } = report;
  return (
    <Box flexDirection="column" borderStyle="single" width={width} flexShrink={0}>
      <Text>
        <Text bold>KPIs today</Text>
        <Text dimColor> at {clock(at)}</Text>
      </Text>
      {report.kpis.map((k) => (
        <Text key={k.name} wrap="truncate-end">
          {(LABEL[k.name] ?? k.name).padEnd(11)}
          <Text {...(k.healthy === null ? { dimColor: true } : { color: k.healthy ? ('green' as const) : ('red' as const) })}>{value(k).padStart(8)}</Text>
          {` ${k.limit}`}
          {k.value === null && k.note ? <Text dimColor>{` ${k.note}`}</Text> : null}
        </Text>
      ))}
      {alert.firing ? (
        <Text color="red" wrap="truncate-end">
          {`ALERT ${alert.periods} periods over: ${alert.topExceptions.map((t) => `${t.type} ${t.count}`).join(', ') || 'no types'}`}
        </Text>
      ) : (
        <Text dimColor wrap="truncate-end">{`alert quiet${alert.topExceptions.length ? '; top: ' + alert.topExceptions.map((t) => `${t.type} ${t.count}`).join(', ') : ''}`}</Text>
      )}
    </Box>
  );
}
