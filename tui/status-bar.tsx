import { Text } from 'ink';
import type { ServerHealth } from './console-data.ts';
import { clock } from './figures.ts';

export interface StatusBarProps {
  namespace: string;
  at: Date;
  nats: ServerHealth;
  postgres: ServerHealth;
  /** Shop accounts whose token refresh failed: named on the top line, whatever the view. */
  reauthorise?: number;
}

function Server({ name, health }: { name: string; health: ServerHealth }) {
  if (health.up) return <Text color="green">{name} ok</Text>;
  return (
    <Text color="red" bold>
      {name} away since {clock(health.since)}
    </Text>
  );
}

/** The top line: what is watched, as of when, and whether both servers answer. */
export function StatusBar({ namespace, at, nats, postgres, reauthorise = 0 }: StatusBarProps) {
  return (
    <Text wrap="truncate-end">
      <Text bold>ordersurge</Text> {namespace} {clock(at)}  <Server name="NATS" health={nats} />  <Server name="Postgres" health={postgres} />
      {reauthorise > 0 ? <Text color="red" bold>{`  ${reauthorise} shop${reauthorise > 1 ? 's' : ''} to re-authorise (s)`}</Text> : null}
      <Text dimColor>  ? help</Text>
    </Text>
  );
}
