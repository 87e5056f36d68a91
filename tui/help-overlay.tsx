import { Box, Text } from 'ink';
import { KEYS } from './console-keys.ts';

/** Every key the console knows, from the same list the key handler follows. */
export function HelpOverlay() {
  return (
    <Box flexDirection="column" borderStyle="double" paddingX={1}>
      <Text bold>Keys</Text>
      {KEYS.map((k) => (
        <Text key={k.keys}>
          <Text color="cyan">{k.keys.padEnd(22)}</Text>
          {k.does}
        </Text>
      ))}
      <Text dimColor>colours: green fine, yellow over the warning threshold, red over the alarm threshold</Text>
    </Box>
  );
}
