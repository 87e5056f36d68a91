import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { action } from '../run-action.ts';
import { databaseUrlsOf } from '../servers.ts';
import { migrateAsOwner } from '../../scripts/servers/database-roles.ts';
import { probePostgres } from '../../scripts/servers/postgres-server.ts';
import { SetupError } from '../../scripts/servers/setup-error.ts';

export function migrateCommand(): Command {
  return new Command('migrate').description('apply pending database migrations (as the owner: DATABASE_OWNER_URL, else DATABASE_URL, else the embedded server\'s)').action(
    action(async () => {
      const urls = databaseUrlsOf(loadConfig());
      const problem = await probePostgres(urls.ownerUrl);
      if (problem !== undefined) throw new SetupError(`Postgres is not reachable (${problem}): run \`npm run setup\` (or set DATABASE_OWNER_URL / DATABASE_URL)`);
      const applied = await migrateAsOwner(urls);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema up to date: nothing to do');
    }),
  );
}
