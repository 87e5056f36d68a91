import type { ColumnType, Generated } from 'kysely';

/** The after-sale feed's cursor per (channel, shop) (migration 0039). */
export interface AftersaleCursorsTable {
  channel: string;
  shop: string;
  cursor_at: Date;
  updated_at: Generated<Date>;
  last_success_at: Date | null;
  pulled: ColumnType<number, number | undefined, number>;
  failures: ColumnType<number, number | undefined, number>;
  consecutive_failures: Generated<number>;
  last_error: string | null;
  last_error_at: Date | null;
}

/** The newest version of a platform's after-sale record, and the version applied to its ticket. */
export interface PlatformAftersalesTable {
  shop: string;
  platform_ticket_id: string;
  channel: string;
  order_id: string;
  platform_status: string;
  status: string;
  modified_at: Date;
  record: ColumnType<unknown, string, string>;
  applied_version: Date | null;
  ticket_id: number | null;
  outcome: string | null;
  updated_at: Generated<Date>;
}

/** The platform after-sales part of the schema; `Database` extends it. */
export interface PlatformAftersalesTables {
  aftersale_cursors: AftersaleCursorsTable;
  platform_aftersales: PlatformAftersalesTable;
}
