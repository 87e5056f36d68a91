import type { Kysely } from 'kysely';

// Filled in by the channel connectors work: persisted poll cursors per channel and shop.
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}
