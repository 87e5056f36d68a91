import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { action } from '../run-action.ts';
import { connectRunning } from '../servers.ts';
import { migrateToLatest } from '../../sql/migrate.ts';

export function migrateCommand(): Command {
  return new Command('migrate').description('apply pending database migrations').action(
    action(async () => {
      const conn = await connectRunning(loadConfig(), { db: true });
      try {
        const applied = await migrateToLatest(conn.db!);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema up to date: nothing to do');
      } finally {
        await conn.close();
      }
    }),
  );
}
