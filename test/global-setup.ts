import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../cli/config.ts';
import { ensureServers } from '../scripts/servers/ensure-servers.ts';

/**
 * Builds the CLI, then brings up NATS and Postgres once for the whole run, the same way
 * `npm run setup` does. The CLI tests run bin/ordersurge.mjs, which runs the build only while it
 * is newer than every source and goes through tsx otherwise (seconds per command on a busy
 * machine, which timed tests out): building first, they run what an install runs.
 */
export default async function setup(project: TestProject): Promise<void> {
  try {
    execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], { stdio: 'inherit' });
  } catch (error) {
    // A source that does not compile fails the tests that load it; the others still run, through tsx.
    console.log(`[setup] the CLI build failed, so the CLI tests run it through tsx: ${error instanceof Error ? error.message : String(error)}`);
  }
  const servers = await ensureServers(loadConfig(), (line) => console.log(`[setup] ${line}`));
  project.provide('natsUrl', servers.natsUrl);
  project.provide('databaseUrl', servers.databaseUrl);
}

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
    databaseUrl: string;
  }
}
