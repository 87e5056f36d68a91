import { Box, Text } from 'ink';
import type { StageName } from '../streams/pipeline.ts';
import { stageDefinition } from '../streams/pipeline.ts';
import type { WorkerHeartbeat } from '../streams/worker-heartbeat.ts';
import { count, percent, rate, seconds } from './figures.ts';
import type { StageSnapshot } from './pipeline-snapshot.ts';
import { sparkline } from './sparkline.ts';
import { LEVEL_COLOUR, levelOf, tint, type Thresholds } from './thresholds.ts';

export interface PipelinePanelProps {
  stages: readonly StageSnapshot[];
  history: Partial<Record<StageName, number[]>>;
  workers: readonly WorkerHeartbeat[];
  thresholds: Thresholds;
  /** Columns available inside the panel; the sparkline takes what the fixed columns leave. */
  width: number;
  /** Only stages whose name contains this (the `/` filter). */
  filter?: string;
}

// stage, in/s, out/s, [trend], queue, oldest, redel, dlq, wk, pool (and one space between each).
const FIXED = [8, 6, 6, 7, 7, 6, 5, 3, 4] as const;
const fixedWidth = FIXED.reduce((a, b) => a + b + 1, 0);

/** Each stage in pipeline order: throughput in and out with its trend, queue, oldest message, redeliveries, dead letters, workers and pool use. */
export function PipelinePanel({ stages, history, workers, thresholds, width, filter }: PipelinePanelProps) {
  const trend = Math.max(4, width - fixedWidth);
  const shown = filter ? stages.filter((s) => s.stage.includes(filter)) : stages;
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={0} flexShrink={0}>
      <Text bold>
        {'stage'.padEnd(8)} {'in/s'.padStart(6)} {'out/s'.padStart(6)} {'trend (out/s)'.padEnd(trend).slice(0, trend)} {'queue'.padStart(7)} {'oldest'.padStart(7)} {'redel'.padStart(6)} {'dlq'.padStart(5)} {'wk'.padStart(3)} {'pool'.padStart(4)}
      </Text>
      {shown.length === 0 ? <Text dimColor>{stages.length === 0 ? 'waiting for NATS...' : `no stage matches "${filter}"`}</Text> : null}
      {shown.map((s) => {
        const depth = s.pending + s.ackPending;
        const mine = workers.filter((w) => w.stages.includes(s.stage));
        const pools = mine.map((w) => w.poolUtilization).filter((u): u is number => u !== null);
        const pool = stageDefinition(s.stage).cpuTask && pools.length ? pools.reduce((a, b) => a + b, 0) / pools.length : null;
        return (
          <Text key={s.stage}>
            {s.stage.padEnd(8)} {rate(s.inRatePerSecond).padStart(6)} {rate(s.ratePerSecond).padStart(6)}{' '}
            <Text color="cyan">{sparkline(history[s.stage] ?? [], trend)}</Text>{' '}
            <Text color={LEVEL_COLOUR[levelOf(depth, thresholds.queueDepth)]}>{count(depth).padStart(7)}</Text>{' '}
            <Text color={LEVEL_COLOUR[levelOf(s.oldestAgeMs / 1000, thresholds.oldestAgeSeconds)]}>{(depth === 0 ? '-' : seconds(s.oldestAgeMs / 1000)).padStart(7)}</Text>{' '}
            <Text color={LEVEL_COLOUR[levelOf(s.redelivered, thresholds.redelivered)]}>{count(s.redelivered).padStart(6)}</Text>{' '}
            <Text color={LEVEL_COLOUR[levelOf(s.deadLetters, thresholds.deadLetters)]}>{count(s.deadLetters).padStart(5)}</Text>{' '}
            <Text {...tint(mine.length === 0 ? 'alarm' : null)}>{String(mine.length).padStart(3)}</Text>{' '}
            <Text {...tint(pool === null ? null : levelOf(pool, thresholds.poolUse))}>{percent(pool).padStart(4)}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
