import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { PII_KEY_VAR, piiKeyFile } from '../../streams/pii/keyring.ts';

/**
 * Makes sure a key to seal buyers' personal data exists: `ORDERSURGE_PII_KEY` when set, else the
 * key file beside the data (`.data/pii.key`, mode 0600), created here once with a random 32-byte
 * key `k1`. Never overwrites a key file: what it sealed could no longer be opened. Returns the
 * line to log.
 */
export function ensurePiiKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env[PII_KEY_VAR]) return `buyer data key: from ${PII_KEY_VAR}`;
  const file = piiKeyFile(dataDir);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, `k1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return `created buyer data key ${file} (mode 0600): back it up, sealed data cannot be read without it`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) throw new Error(`${file}: mode ${mode.toString(8)} lets others read the buyer data key; run \`chmod 600 ${file}\``);
  return `buyer data key ${file} in place: nothing to do`;
}
