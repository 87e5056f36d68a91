import type { Channel } from '../../streams/canonical-order.ts';
import { parseYuan } from '../../streams/money.ts';

/** What a settlement entry is for: the order's payment, a refund, a platform fee or commission, or anything else (a withdrawal, a deposit). */
export type EntryKind = 'sale' | 'refund' | 'fee' | 'other';

/** One line of a platform's settlement export, in our terms. */
export interface SettlementEntry {
  /** The platform's serial number of the entry (unique within the shop's account). */
  txnId: string;
  /** The platform's order id; '' when the entry names no order. */
  externalOrderId: string;
  kind: EntryKind;
  /** Signed fen: positive into the shop's account, negative out of it. */
  amountFen: number;
  settledAt: Date;
}

export type EntryParse = { ok: true; entry: SettlementEntry } | { ok: false; problem: string };

/**
 * One platform's settlement export: its columns as the platform names them, its encoding, and
 * both directions (a row read into an entry; an entry written as a row, for the simulators and
 * the tests). Each file under `formats/` is one platform.
 */
export interface SettlementFormat {
  /** e.g. `alipay-statement` */
  name: string;
  channel: Channel;
  /** What the file is called at the platform, for messages. */
  title: string;
  encoding: 'gbk' | 'utf8';
  /** The header row, in order: the columns `read` needs are among them. */
  columns: readonly string[];
  /** Lines before the header and after the rows (comment lines starting with '#'), written by `write`. */
  preamble(from: Date, to: Date): string[];
  footer(entries: number): string[];
  read(row: Readonly<Record<string, string>>): EntryParse;
  write(entry: SettlementEntry): string[];
}

/**
 * The signed yuan amount of a settlement cell ('-12.30', '+5', '8.00') in fen, exactly.
 *
 * @example
 * signedYuan('-12.30') // { ok: true, fen: -1230 }
 */
export function signedYuan(text: string): { ok: true; fen: number } | { ok: false; problem: string } {
  const negative = text.startsWith('-');
  const parsed = parseYuan(negative || text.startsWith('+') ? text.slice(1) : text);
  if (!parsed.ok) return parsed;
  return { ok: true, fen: negative ? -parsed.fen : parsed.fen };
}

/** Fen as a yuan cell with two decimals, signed when negative. */
export function yuanCell(fen: number): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const CHINA_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/** A platform's local time stamp (China time, no offset) as an instant. */
export function chinaTime(text: string): Date | undefined {
  const m = CHINA_TIME.exec(text);
  if (!m) return undefined;
  const at = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** An instant as a China-time stamp `2026-11-11 08:00:00`. */
export function chinaTimeText(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** A CSV cell, quoted when it must be. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A cell of the row by its column name, or a problem naming the column. */
export function cellOf(row: Readonly<Record<string, string>>, column: string): string {
  return (row[column] ?? '').trim();
}

/** The first problem of a row, named by its column: `收入金额（+元）: must be a decimal yuan amount, got "abc"`. */
export function problem(column: string, text: string): { ok: false; problem: string } {
  return { ok: false, problem: `${column}: ${text}` };
}
