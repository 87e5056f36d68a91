import type { TestProject } from 'vitest/node';
import { loadConfig } from '../cli/config.ts';
import { ensureServers } from '../scripts/servers/ensure-servers.ts';

/** Brings up NATS and Postgres once for the whole run, the same way `npm run setup` does. */
export default async function setup(project: TestProject): Promise<void> {
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
