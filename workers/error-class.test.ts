import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { classifyError } from './error-class.ts';

/** A DatabaseError as pg builds it from a server's ErrorResponse. */
function databaseError(message: string, fields: Partial<Pick<pg.DatabaseError, 'code' | 'detail' | 'table' | 'column' | 'constraint'>>): pg.DatabaseError {
  return Object.assign(new pg.DatabaseError(message, 0, 'error'), { severity: 'ERROR' }, fields);
}

const systemError = (code: string): Error => Object.assign(new Error(`connect ${code} 127.0.0.1:54329`), { code });

describe('classifyError', () => {
  it('takes integrity constraint violations (class 23) as permanent, naming the constraint and detail', () => {
    const error = databaseError('duplicate key value violates unique constraint "order_lines_pkey"', {
      code: '23505',
      table: 'order_lines',
      constraint: 'order_lines_pkey',
      detail: 'Key (order_id, line_id)=(shop:1, L1) already exists.',
    });
    expect(classifyError(error)).toEqual({
      kind: 'permanent',
      reason:
        'refused by Postgres: duplicate key value violates unique constraint "order_lines_pkey" (SQLSTATE 23505, table order_lines, constraint order_lines_pkey): Key (order_id, line_id)=(shop:1, L1) already exists.',
    });
    const notNull = databaseError('null value in column "sku" of relation "order_lines" violates not-null constraint', { code: '23502', table: 'order_lines', column: 'sku' });
    expect(classifyError(notNull)).toMatchObject({ kind: 'permanent', reason: expect.stringContaining('(SQLSTATE 23502, table order_lines, column sku)') as unknown });
  });

  it('takes data exceptions (class 22) as permanent', () => {
    const error = databaseError('invalid input syntax for type json', { code: '22P02', detail: 'Unicode low surrogate must follow a high surrogate.' });
    expect(classifyError(error)).toEqual({
      kind: 'permanent',
      reason: 'refused by Postgres: invalid input syntax for type json (SQLSTATE 22P02): Unicode low surrogate must follow a high surrogate.',
    });
  });

  it('finds a refusal wrapped in another error, and cuts a long detail short', () => {
    const refusal = databaseError('new row for relation "inventory" violates check constraint "inventory_check"', { code: '23514', detail: `Failing row contains (${'x'.repeat(1000)}).` });
    const { kind, reason } = classifyError(new Error('routing failed', { cause: refusal }));
    expect(kind).toBe('permanent');
    expect(reason).toMatch(/^refused by Postgres: new row .* "inventory_check" \(SQLSTATE 23514\): Failing row contains \(x+\.\.\.$/);
    expect(reason.length).toBeLessThan(500);
  });

  it('takes a lost or refused connection as unreachable, a kind of transient', () => {
    for (const error of [
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') }),
      systemError('ECONNREFUSED'),
      systemError('ECONNRESET'),
      new TypeError('fetch failed', { cause: systemError('ECONNREFUSED') }),
      databaseError('terminating connection due to administrator command', { code: '57P01' }),
      databaseError('the database system is starting up', { code: '57P03' }),
      databaseError('connection failure', { code: '08006' }),
    ]) {
      expect(classifyError(error), error.message).toEqual({ kind: 'unreachable', reason: error.message });
    }
  });

  it('takes everything else as transient', () => {
    for (const error of [
      databaseError('deadlock detected', { code: '40P01' }),
      databaseError('could not serialize access due to concurrent update', { code: '40001' }),
      databaseError('relation "orders" does not exist', { code: '42P01' }),
      new Error('HTTP 503 from the carrier'),
      new RangeError('Maximum call stack size exceeded'),
      Object.assign(new Error('a code that is no SQLSTATE'), { code: '23505' }),
    ]) {
      expect(classifyError(error), error.message).toEqual({ kind: 'transient', reason: error.message });
    }
    expect(classifyError('a string')).toEqual({ kind: 'transient', reason: 'a string' });
    expect(classifyError(databaseError('no code', {}))).toEqual({ kind: 'transient', reason: 'no code' });
  });
});
