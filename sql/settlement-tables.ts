import type { Generated } from 'kysely';
import type { EntryKind } from '../workers/reconcile/settlement-format.ts';

/** An imported settlement file (migration 0031), known by the SHA-256 of its bytes. */
export interface SettlementFilesTable {
  sha256: string;
  shop: string;
  format: string;
  file_name: string;
  bytes: number;
  rows_read: Generated<number>;
  rows_stored: Generated<number>;
  imported_at: Generated<Date>;
}

/** One entry of a settlement file: signed fen, positive into the shop's account. */
export interface SettlementLinesTable {
  shop: string;
  txn_id: string;
  file_sha256: string;
  /** Our order id (channel:external id); '' when the entry names no order. */
  order_id: string;
  kind: EntryKind;
  amount_fen: number;
  settled_at: Date;
}

/** The reconciliation part of the schema; `Database` extends it. */
export interface SettlementTables {
  settlement_files: SettlementFilesTable;
  settlement_lines: SettlementLinesTable;
}
