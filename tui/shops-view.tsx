import { Box, Text } from 'ink';
import { count } from './figures.ts';
import { listWindow } from './list-window.ts';
import { agoText, shopsToReauthorise, type ShopConnector } from './shop-connectors.ts';

export interface ShopsViewProps {
  /** Already filtered by the console's filter. */
  shops: readonly ShopConnector[];
  at: Date;
  selected: number;
  width: number;
  height: number;
}

/** The state word of a shop's row; a shop to re-authorise is named so before a failing poll. */
function state(s: ShopConnector): { text: string; color: 'red' | 'yellow' | 'green' } {
  if (s.reauthorise) return { text: 'RE-AUTHORISE', color: 'red' };
  if (s.consecutiveFailures > 0) return { text: `FAILING x${s.consecutiveFailures}`, color: 'yellow' };
  return { text: s.cursorAt ? 'ok' : 'not polled', color: 'green' };
}

/**
 * Each shop account's intake: its state, how long ago its cursor last moved, orders in and the
 * last error; the shops to re-authorise first, since nothing comes in from them until then.
 */
export function ShopsView({ shops, at, selected, width, height }: ShopsViewProps) {
  const reauthorise = shopsToReauthorise(shops).length;
  const title = (
    <Text bold>
      Shops ({shops.length}){reauthorise ? <Text color="red">{`  ${reauthorise} to re-authorise: ordersurge shops add CODE ... with new tokens`}</Text> : null}
    </Text>
  );
  if (shops.length === 0) return <Box flexDirection="column">{title}<Text dimColor>no shop account registered or polled yet</Text></Box>;
  const ordered = [...shops].sort((a, b) => Number(b.reauthorise !== null) - Number(a.reauthorise !== null) || b.consecutiveFailures - a.consecutiveFailures);
  const { start, end } = listWindow(ordered.length, selected, height - 2);
  return (
    <Box flexDirection="column" width={width}>
      {title}
      <Text dimColor wrap="truncate-end">{`${'shop'.padEnd(20)} ${'state'.padEnd(12)} ${'cursor'.padEnd(10)} ${'in'.padStart(6)}  why`}</Text>
      {ordered.slice(start, end).map((s, i) => {
        const { text, color } = state(s);
        const why = s.reauthorise ? `since ${agoText(s.reauthorise.since, at)}: ${s.reauthorise.error.replace(/^token refresh failed: /, '')}` : s.consecutiveFailures > 0 ? (s.lastError ?? '') : '';
        return (
          <Text key={`${s.channel}/${s.shop}`} inverse={start + i === selected} wrap="truncate-end">
            {`${s.channel}/${s.shop}`.padEnd(20)} <Text color={color}>{text.padEnd(12)}</Text> {agoText(s.lastAdvancedAt, at).padEnd(10)} {count(s.published).padStart(6)}  {why}
          </Text>
        );
      })}
    </Box>
  );
}
