import { readFileSync } from 'node:fs';
import { InputError } from './run-action.ts';

/** Reads a command's input file, or standard input for `-`; an unreadable file is bad input (exit 2). */
export function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}
