import { readFileSync, readSync } from 'node:fs';
import { InputError } from './run-action.ts';

/** Reads a command's input file, or standard input for `-`; an unreadable file is bad input (exit 2). */
export function readInput(file: string): string {
  try {
    return file === '-' ? readStdin() : readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/**
 * Standard input to its end. `readFileSync(0)` fails with EAGAIN when the parent handed us a
 * non-blocking pipe that has no data yet; such a read is waited out, not an error.
 */
function readStdin(): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(1 << 16);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 10);
      continue;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}
