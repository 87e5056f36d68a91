import { ensureServers, type Servers } from '../scripts/servers/ensure-servers.ts';
import { SetupError } from '../scripts/servers/setup-error.ts';
import type { Config } from './config.ts';

/** What a server says while it restarts or fails over: worth waiting for, not a misconfiguration. */
const AWAY = /not reachable|connection refused|ECONNREFUSED|ECONNRESET|starting up|shutting down|in recovery|timeout/i;

/**
 * {@link ensureServers} for a long-running process (a worker): a configured server that is away
 * (restarting, failing over) is waited for, with backoff up to 5 s and one log line, so a process
 * its supervisor starts during a restart comes up by itself once the server answers. A server
 * that answers wrongly (JetStream off, a port held by something else) still stops it at once.
 */
export async function waitForServers(config: Config, log: (line: string) => void, signal?: AbortSignal): Promise<Servers> {
  let told = false;
  for (let attempt = 1; ; attempt++) {
    try {
      const servers = await ensureServers(config, log);
      if (told) log('servers answer again: starting');
      return servers;
    } catch (error) {
      if (!(error instanceof SetupError) || !AWAY.test(error.message) || signal?.aborted) throw error;
      if (!told) log(`${error.message}; waiting for it to answer`);
      told = true;
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** Math.min(attempt - 1, 5), 5000)));
    }
  }
}
