import pg from 'pg';
import { errorText } from './error-text.ts';

/**
 * What a thrown error says about trying again:
 * - `permanent`: Postgres refused the data itself (SQLSTATE class 22, data exception, or 23,
 *   integrity constraint violation): the same input fails the same way every time.
 * - `unreachable`: a server could not be reached, or dropped the connection: nothing is wrong with
 *   the input, it works once the server is back.
 * - `transient`: anything else; worth another try.
 */
export type ErrorClass =
  | { kind: 'permanent'; reason: string }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'transient'; reason: string };

/** Postgres refused the input: data exceptions (22) and integrity constraint violations (23). */
const PERMANENT_CLASSES = new Set(['22', '23']);

/** Connection exceptions (class 08), a server shutting down or starting up, or full. */
const UNREACHABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** What Node's sockets say when a server is gone or was never there. */
const UNREACHABLE_SYSCALL_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** What pg and pg-pool throw, as plain errors, when a connection died or could not be made. */
const UNREACHABLE_MESSAGE = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

/** A detail can quote a whole row: enough of it to find the fault, not the row. */
const MAX_DETAIL = 300;

/**
 * Classifies a thrown error, looking through its `cause` chain, and gives a one-line reason for
 * a log or a dead letter. A permanent reason names what Postgres refused: its message, the
 * SQLSTATE, table, column and constraint, and its detail.
 *
 * @example
 * classifyError(uniqueViolation)
 * // { kind: 'permanent', reason: 'refused by Postgres: duplicate key value violates unique constraint
 * //   "order_lines_pkey" (SQLSTATE 23505, table order_lines, constraint order_lines_pkey):
 * //   Key (order_id, line_id)=(shop:1, L1) already exists.' }
 */
export function classifyError(error: unknown): ErrorClass {
  const reason = errorText(error);
  for (const cause of causes(error)) {
    if (cause instanceof pg.DatabaseError && cause.code) {
      if (PERMANENT_CLASSES.has(cause.code.slice(0, 2))) return { kind: 'permanent', reason: refusal(cause) };
      if (cause.code.startsWith('08') || UNREACHABLE_STATES.has(cause.code)) return { kind: 'unreachable', reason };
    } else if (cause instanceof Error) {
      const code = (cause as { code?: unknown }).code;
      if (typeof code === 'string' && UNREACHABLE_SYSCALL_CODES.has(code)) return { kind: 'unreachable', reason };
      if (UNREACHABLE_MESSAGE.test(cause.message)) return { kind: 'unreachable', reason };
    }
  }
  return { kind: 'transient', reason };
}

/** The error and what it wraps, outermost first (a few levels: causes do not nest deeply). */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && chain.length < 5; e = e instanceof Error ? e.cause : undefined) chain.push(e);
  return chain;
}

function refusal(error: pg.DatabaseError): string {
  const where = [
    `SQLSTATE ${error.code}`,
    error.table && `table ${error.table}`,
    error.column && `column ${error.column}`,
    error.constraint && `constraint ${error.constraint}`,
  ].filter(Boolean);
  const detail = error.detail ? `: ${error.detail.length > MAX_DETAIL ? `${error.detail.slice(0, MAX_DETAIL)}...` : error.detail}` : '';
  return `refused by Postgres: ${error.message} (${where.join(', ')})${detail}`;
}
