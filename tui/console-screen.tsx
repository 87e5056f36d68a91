import { Box, Text } from 'ink';
import type { ExceptionOrder } from '../sql/queries/exception-orders.ts';
import { ORDER_STATUSES } from '../streams/pipeline.ts';
import type { ConsoleData } from './console-data.ts';
import type { UiState } from './console-keys.ts';
import { DeadLettersView, type DeadLetterRow } from './dead-letters-view.tsx';
import { ExceptionsView } from './exceptions-view.tsx';
import { count, mebibytes } from './figures.ts';
import { HelpOverlay } from './help-overlay.tsx';
import { KpiPanel } from './kpi-panel.tsx';
import { PeakPanel } from './peak-panel.tsx';
import { PipelinePanel } from './pipeline-panel.tsx';
import { matchesFilter } from './row-filter.ts';
import { shopsToReauthorise } from './shop-connectors.ts';
import { ShopsView } from './shops-view.tsx';
import { StatusBar } from './status-bar.tsx';
import type { Thresholds } from './thresholds.ts';

/** A list the console loads on demand: null while loading. */
export interface Loaded<T> {
  rows: readonly T[] | null;
  error?: string | undefined;
}

export interface ConsoleScreenProps {
  data: ConsoleData;
  ui: UiState;
  thresholds: Thresholds;
  columns: number;
  rows: number;
  /** Already filtered by `ui.filter`. */
  deadLetters: Loaded<DeadLetterRow>;
  exceptions: Loaded<ExceptionOrder>;
  /** The outcome of the last action or key, on the bottom line. */
  message: string | null;
}

function Footer({ ui, message }: { ui: UiState; message: string | null }) {
  if (ui.prompt?.kind === 'peak') return <Text color="yellow">peak mode: [o]n  [f] off  [a]uto  (any other key cancels)</Text>;
  if (ui.prompt?.kind === 'confirm') return <Text color="yellow">{ui.prompt.question} [y/N]</Text>;
  if (ui.editingFilter) return <Text>/{ui.filter}<Text inverse> </Text>  <Text dimColor>enter keep · esc clear</Text></Text>;
  return (
    <Text wrap="truncate-end">
      {message ? <Text color="cyan">{message}  </Text> : null}
      {ui.filter ? <Text color="magenta">filter "{ui.filter}"  </Text> : null}
      <Text dimColor>q quit · ? help · tab view · p peak · d dead letters · e exceptions · s shops · / filter</Text>
    </Text>
  );
}

/** The whole console for one state of data and keys: pure, so a test renders it from known data. */
export function ConsoleScreen({ data, ui, thresholds, columns, rows, deadLetters, exceptions, message }: ConsoleScreenProps) {
  const width = Math.max(40, columns);
  const bodyHeight = Math.max(3, rows - 2);
  const orders = ORDER_STATUSES.filter((s) => data.orders[s]).map((s) => `${s} ${count(data.orders[s]!)}`).join(' ');
  const rss = data.workers.map((w) => w.rssBytes);
  let body;
  if (ui.help) body = <HelpOverlay />;
  else if (ui.view === 'deadLetters') {
    body = <DeadLettersView letters={deadLetters.rows} error={deadLetters.error} selected={ui.selected} inspecting={ui.inspecting} width={width} height={bodyHeight} />;
  } else if (ui.view === 'exceptions') {
    body = <ExceptionsView orders={exceptions.rows} error={exceptions.error} selected={ui.selected} inspecting={ui.inspecting} width={width} height={bodyHeight} />;
  } else if (ui.view === 'shops') {
    const shops = data.shops.filter((s) => matchesFilter([`${s.channel}/${s.shop}`, s.lastError ?? '', s.reauthorise?.error ?? ''], ui.filter));
    body = <ShopsView shops={shops} at={data.at} selected={ui.selected} width={width} height={bodyHeight} />;
  } else {
    const half = Math.floor(width / 2);
    body = (
      <Box flexDirection="column">
        <PipelinePanel stages={data.stages} history={data.history} workers={data.workers} thresholds={thresholds} width={width - 2} filter={ui.filter} />
        <Box>
          <PeakPanel peak={data.peak} width={half} />
          <KpiPanel kpis={data.kpis} width={width - half} />
        </Box>
        <Text wrap="truncate-end">
          {`orders ${orders || 'none yet'} · dead letters ${count(data.deadLetters)} · workers ${data.workers.length}`}
          {rss.length ? ` (rss ${mebibytes(Math.min(...rss))}-${mebibytes(Math.max(...rss))})` : ''}
        </Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={width} height={rows}>
      <StatusBar namespace={data.namespace} at={data.at} nats={data.nats} postgres={data.postgres} reauthorise={shopsToReauthorise(data.shops).length} />
      <Box flexDirection="column" flexGrow={1} overflow="hidden">
        {body}
      </Box>
      <Footer ui={ui} message={message} />
    </Box>
  );
}
