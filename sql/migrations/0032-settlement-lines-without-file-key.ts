import { sql, type Kysely } from 'kysely';

/**
 * `settlement_lines.file_sha256` keeps naming its file, without the foreign key: the file row is
 * written in the same transaction as its entries, and the key's per-row check was a good part of
 * a million-line import's time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table settlement_lines drop constraint if exists settlement_lines_file_sha256_fkey`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table settlement_lines add constraint settlement_lines_file_sha256_fkey foreign key (file_sha256) references settlement_files (sha256)`.execute(db);
}
