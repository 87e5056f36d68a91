import { Box, Text } from 'ink';
import { listWindow } from './list-window.ts';

/** A dead letter as the console shows it: payload and error already masked (as `dlq list` does). */
export interface DeadLetterRow {
  seq: number;
  stage: string;
  error: string;
  attempts: number;
  failedAt: string;
  payload: string;
}

export interface DeadLettersViewProps {
  /** Null while loading. */
  letters: readonly DeadLetterRow[] | null;
  error?: string | undefined;
  selected: number;
  inspecting: boolean;
  width: number;
  height: number;
}

/** Dead letters, oldest first: a list, or the selected one in full (stage, error, attempts, masked payload). */
export function DeadLettersView({ letters, error, selected, inspecting, width, height }: DeadLettersViewProps) {
  const title = <Text bold>Dead letters{letters ? ` (${letters.length})` : ''}  <Text dimColor>enter inspect · r replay · / filter</Text></Text>;
  if (error) return <Box flexDirection="column">{title}<Text color="yellow">cannot read dead letters: {error}</Text></Box>;
  if (!letters) return <Box flexDirection="column">{title}<Text dimColor>reading...</Text></Box>;
  if (letters.length === 0) return <Box flexDirection="column">{title}<Text color="green">no dead letters</Text></Box>;
  const current = letters[Math.min(selected, letters.length - 1)]!;
  if (inspecting) {
    return (
      <Box flexDirection="column" width={width}>
        {title}
        <Text>
          #{current.seq}  stage <Text bold>{current.stage}</Text>  attempts {current.attempts}  failed {current.failedAt}
        </Text>
        <Text color="red">error: {current.error}</Text>
        <Text dimColor>payload (masked):</Text>
        <Text>{current.payload.slice(0, Math.max(80, (height - 4) * width))}</Text>
      </Box>
    );
  }
  const { start, end } = listWindow(letters.length, selected, height - 1);
  return (
    <Box flexDirection="column" width={width}>
      {title}
      {letters.slice(start, end).map((l, i) => (
        <Text key={l.seq} inverse={start + i === selected} wrap="truncate-end">
          {`#${l.seq}`.padEnd(8)} {l.stage.padEnd(8)} {`x${l.attempts}`.padStart(4)} {l.failedAt.slice(11, 19)} {l.error}
        </Text>
      ))}
    </Box>
  );
}
