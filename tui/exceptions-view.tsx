import { Box, Text } from 'ink';
import type { ExceptionOrder } from '../sql/queries/exception-orders.ts';
import { listWindow } from './list-window.ts';

export interface ExceptionsViewProps {
  /** Null while loading. */
  orders: readonly ExceptionOrder[] | null;
  error?: string | undefined;
  selected: number;
  inspecting: boolean;
  width: number;
  height: number;
}

/** Exception orders, newest first: a list, or the selected one in full (type, detail, since when). */
export function ExceptionsView({ orders, error, selected, inspecting, width, height }: ExceptionsViewProps) {
  const title = <Text bold>Exceptions{orders ? ` (${orders.length})` : ''}  <Text dimColor>enter inspect · r retry · / filter</Text></Text>;
  if (error) return <Box flexDirection="column">{title}<Text color="yellow">cannot read exceptions: {error}</Text></Box>;
  if (!orders) return <Box flexDirection="column">{title}<Text dimColor>reading...</Text></Box>;
  if (orders.length === 0) return <Box flexDirection="column">{title}<Text color="green">no exceptions</Text></Box>;
  const current = orders[Math.min(selected, orders.length - 1)]!;
  if (inspecting) {
    return (
      <Box flexDirection="column" width={width}>
        {title}
        <Text>
          order <Text bold>{current.id}</Text>  channel {current.channel}  since {current.since.toISOString()}
        </Text>
        <Text color="red">type: {current.type}</Text>
        <Text>detail: {current.detail}</Text>
        <Text dimColor>ordersurge order show {current.id} for everything about it</Text>
      </Box>
    );
  }
  const { start, end } = listWindow(orders.length, selected, height - 1);
  return (
    <Box flexDirection="column" width={width}>
      {title}
      {orders.slice(start, end).map((o, i) => (
        <Text key={o.id} inverse={start + i === selected} wrap="truncate-end">
          {o.id.padEnd(20)} {o.type.padEnd(20)} {o.detail}
        </Text>
      ))}
    </Box>
  );
}
