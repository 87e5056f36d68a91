/**
 * The servers of a `NATS_URL`: one URL, or several separated by commas (the servers of a
 * cluster; a client tries them in turn and moves to another when one goes away).
 *
 * @example
 * natsServers('nats://10.0.0.1:4222,nats://10.0.0.2:4222') // ['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222']
 */
export function natsServers(url: string): string[] {
  return url
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
