import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { claimFile, finishFile, importedFile, insertSettlementLines } from '../../sql/queries/settlements.ts';
import type { Db } from '../../sql/database.ts';
import { CHANNELS } from '../../streams/canonical-order.ts';
import { formatOfHeader, SETTLEMENT_FORMATS } from './formats/index.ts';
import type { SettlementEntry, SettlementFormat } from './settlement-format.ts';
import { sniffEncoding } from './sniff-encoding.ts';

/** A settlement file that cannot be imported; the message names the file, the line and the column. */
export class SettlementFileError extends Error {
  readonly code = 'SETTLEMENT_FILE';
  override name = 'SettlementFileError';
}

export interface ImportProgress {
  rows: number;
  bytes: number;
  totalBytes: number;
}

export interface ImportOptions {
  shop: string;
  /** 'auto' (the default) sniffs a byte-order mark or valid UTF-8, else GBK. */
  encoding?: 'auto' | 'utf8' | 'gbk';
  /** Entries per insert statement. */
  batchSize?: number;
  /** Called about every `progressEvery` rows, and once at the end. */
  onProgress?: (progress: ImportProgress) => void;
  progressEvery?: number;
}

export type ImportResult =
  | { imported: true; sha256: string; format: string; rowsRead: number; rowsStored: number; bytes: number }
  | { imported: false; sha256: string; format: string; rowsRead: number; rowsStored: number; bytes: number; importedAt: Date };

/**
 * Imports a platform's settlement export as a stream: the file is hashed first (a file imported
 * before changes nothing), then read through iconv-lite and csv-parse a batch at a time, each batch
 * one insert, all in one transaction, so a bad row anywhere imports nothing. Memory stays bounded
 * by the batch: the parser is read with `for await`, which pauses the file while a batch is
 * written. The format is recognised by its header row.
 *
 * @example
 * await importSettlementFile(db, 'alipay-2026-11-11.csv', { shop: 'tmall', onProgress: (p) => console.error(p.rows) })
 */
export async function importSettlementFile(db: Db, file: string, options: ImportOptions): Promise<ImportResult> {
  const { size } = await stat(file);
  const sha256 = await hashFile(file);
  const known = await importedFile(db, sha256);
  if (known && known.shop !== options.shop) {
    throw new SettlementFileError(`--shop: ${path.basename(file)} was imported for shop ${known.shop} at ${known.imported_at.toISOString()}: not imported again for ${options.shop}`);
  }
  if (known) return { imported: false, sha256, format: known.format, rowsRead: known.rows_read, rowsStored: known.rows_stored, bytes: known.bytes, importedAt: known.imported_at };

  const encoding = options.encoding === undefined || options.encoding === 'auto' ? sniffEncoding(await head(file, 64 * 1024)) : options.encoding;
  const batchSize = options.batchSize ?? 10_000;
  const every = options.progressEvery ?? 100_000;
  const name = path.basename(file);
  let format: SettlementFormat | undefined;
  let header: string[] = [];
  const input = createReadStream(file, { highWaterMark: 256 * 1024 });
  let bytes = 0;
  input.on('data', (chunk) => (bytes += chunk.length));
  const text: NodeJS.ReadableStream = encoding === 'gbk' ? input.pipe(iconv.decodeStream('gbk')) : input;
  const parser = text.pipe(
    parse({
      bom: true,
      comment: '#',
      comment_no_infix: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      columns: (row: string[]) => {
        header = row;
        format = formatOfHeader(row);
        if (!format) throw new SettlementFileError(`${name}: not a settlement export we know (header ${row.slice(0, 4).join(',')}...); known: ${SETTLEMENT_FORMATS.map((f) => f.title).join('; ')}`);
        return row;
      },
    }),
  );

  return db.transaction().execute(async (trx) => {
    let claimed = false;
    let rows = 0;
    let stored = 0;
    let batch: SettlementEntry[] = [];
    let writing: Promise<number> = Promise.resolve(0);
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
        const f = format!;
        if (!claimed) {
          checkShop(options.shop, f, name);
          if (!(await claimFile(trx, { sha256, shop: options.shop, format: f.name, fileName: name, bytes: size }))) {
            // Another import of the same file committed while this one read: nothing to do.
            const other = (await importedFile(trx, sha256))!;
            input.destroy();
            return { imported: false as const, sha256, format: other.format, rowsRead: other.rows_read, rowsStored: other.rows_stored, bytes: size, importedAt: other.imported_at };
          }
          claimed = true;
        }
        const read = f.read(record);
        if (!read.ok) throw new SettlementFileError(`${name} line ${info.lines}: ${read.problem}`);
        batch.push(read.entry);
        rows++;
        if (batch.length >= batchSize) {
          // One batch is written while the next is parsed: at most two in memory.
          stored += await writing;
          writing = insertSettlementLines(trx, options.shop, sha256, f.channel, batch);
          batch = [];
        }
        if (rows % every === 0) options.onProgress?.({ rows, bytes, totalBytes: size });
      }
      stored += await writing;
    } catch (error) {
      input.destroy();
      // The write in flight fails with the transaction anyway; wait for it so nothing floats.
      await writing.catch(() => 0);
      if (error instanceof SettlementFileError) throw error;
      throw new SettlementFileError(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!format) throw new SettlementFileError(`${name}: no header row${header.length > 0 ? '' : ' (the file is empty or all comments)'}`);
    if (!claimed) {
      checkShop(options.shop, format, name);
      claimed = await claimFile(trx, { sha256, shop: options.shop, format: format.name, fileName: name, bytes: size });
    }
    stored += await insertSettlementLines(trx, options.shop, sha256, format.channel, batch);
    await finishFile(trx, sha256, rows, stored);
    if (rows % every !== 0 || rows === 0) options.onProgress?.({ rows, bytes: size, totalBytes: size });
    return { imported: true as const, sha256, format: format.name, rowsRead: rows, rowsStored: stored, bytes: size };
  });
}

/** A shop named after a channel must be that channel's; an account code is taken as given. */
function checkShop(shop: string, format: SettlementFormat, name: string): void {
  if ((CHANNELS as readonly string[]).includes(shop) && shop !== format.channel) {
    throw new SettlementFileError(`--shop: ${name} is a ${format.title}, which settles ${format.channel} orders, not ${shop}'s`);
  }
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function head(file: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(file);
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
