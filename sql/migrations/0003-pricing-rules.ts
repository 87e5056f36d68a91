import type { Kysely } from 'kysely';

// Filled in by the pricing integration: versioned rule sets, catalogue, price traces.
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}
