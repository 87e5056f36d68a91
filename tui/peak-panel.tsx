import { Box, Text } from 'ink';
import type { PeakView } from './console-data.ts';
import { clock, count } from './figures.ts';

export interface PeakPanelProps {
  peak: PeakView | null;
  width: number;
}

/** Peak mode: on or off and under which setting, why and since when, the inflow against the thresholds, the deferred backlog and the replay. */
export function PeakPanel({ peak, width }: PeakPanelProps) {
  if (!peak) {
    return (
      <Box flexDirection="column" borderStyle="single" width={width} flexShrink={0}>
        <Text bold>Peak mode</Text>
        <Text dimColor>waiting for NATS...</Text>
      </Box>
    );
  }
  const { state } = peak;
  const since = Date.parse(state.since) > 0 ? clock(new Date(state.since)) : 'never entered';
  const inflow = peak.inflowPerMinute === null ? '-' : count(peak.inflowPerMinute);
  const over = peak.inflowPerMinute !== null && peak.inflowPerMinute > peak.enterPerMinute;
  const waiting = peak.backlog.reduce((n, b) => n + b.waiting, 0);
  const inner = width - 2;
  const line = (text: string): string => text.slice(0, inner);
  return (
    <Box flexDirection="column" borderStyle="single" width={width} flexShrink={0}>
      <Text>
        <Text bold>Peak mode </Text>
        <Text bold color={state.active ? 'red' : 'green'}>
          {state.active ? 'ON' : 'off'}
        </Text>
        <Text> (setting {state.setting})</Text>
      </Text>
      <Text>{line(`since ${since} by ${state.changedBy}`)}</Text>
      <Text wrap="truncate-end">{line(`why: ${state.reason}`)}</Text>
      <Text wrap="truncate-end">
        inflow <Text color={over ? 'yellow' : 'green'}>{inflow}/min</Text>
        {` (in >${peak.enterPerMinute}, out <${peak.exitPerMinute})`}
      </Text>
      <Text wrap="truncate-end" {...(waiting > 0 ? { color: 'yellow' as const } : {})}>{line(`deferred ${count(waiting)}${waiting ? ': ' + peak.backlog.filter((b) => b.waiting).map((b) => `${b.stage} ${count(b.waiting)}`).join(', ') : ''}`)}</Text>
      <Text>{line(peak.replay ? `replay ${count(peak.replay.done)} done, ${count(peak.replay.waiting)} to go (${Math.floor((100 * peak.replay.done) / Math.max(1, peak.replay.done + peak.replay.waiting))}%)` : 'replay: nothing to replay')}</Text>
    </Box>
  );
}
