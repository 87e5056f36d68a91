import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PiiError } from './sealed-value.ts';

/** The keys personal data is sealed with: the current one seals, every one opens. */
export interface PiiKeyring {
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** Environment variable holding the keyring; when unset, the key file beside the data is read. */
export const PII_KEY_VAR = 'ORDERSURGE_PII_KEY';
const KEY_ID = /^[a-z0-9]{1,16}$/;
const KEY_BYTES = 32;

/**
 * Reads a keyring: entries `ID:BASE64` (32 bytes each) separated by commas or new lines, the
 * first the current one; a lone `BASE64` is key `k1`. Rotation is putting a new key first and
 * keeping the old ones after it until nothing sealed under them is kept.
 *
 * @example
 * parsePiiKeyring('k2:9f3J...=,k1:Q1w2...=', 'ORDERSURGE_PII_KEY') // seals under k2, opens k2 and k1
 */
export function parsePiiKeyring(text: string, source: string): PiiKeyring {
  const entries = text.split(/[,\n]/).map((e) => e.trim()).filter((e) => e !== '');
  if (entries.length === 0) throw new PiiError(`${source}: holds no key`);
  const keys = new Map<string, Buffer>();
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? 'k1' : entry.slice(0, colon);
    const key = Buffer.from(colon < 0 ? entry : entry.slice(colon + 1), 'base64');
    if (!KEY_ID.test(id)) throw new PiiError(`${source}: key id ${JSON.stringify(id)} must be 1-16 lower-case letters or digits`);
    if (key.length !== KEY_BYTES) throw new PiiError(`${source}: key ${id} must be ${KEY_BYTES} bytes in base64, got ${key.length} bytes`);
    if (keys.has(id)) throw new PiiError(`${source}: key id ${id} appears twice`);
    keys.set(id, key);
  }
  return { currentId: keys.keys().next().value!, keys };
}

/** The key file `setup` creates (mode 0600) in the data directory. */
export function piiKeyFile(dataDir: string): string {
  return path.join(dataDir, 'pii.key');
}

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The keyring of this process: `ORDERSURGE_PII_KEY` when set, else the key file in
 * `ORDERSURGE_DATA_DIR` (`.data` of the checkout by default). Throws when there is neither,
 * saying how to get one.
 */
export function loadPiiKeyring(env: NodeJS.ProcessEnv = process.env): PiiKeyring {
  const fromEnv = env[PII_KEY_VAR];
  if (fromEnv) return parsePiiKeyring(fromEnv, PII_KEY_VAR);
  const file = piiKeyFile(path.resolve(env.ORDERSURGE_DATA_DIR || path.join(PROJECT_ROOT, '.data')));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PiiError(`no PII key: set ${PII_KEY_VAR} (base64 of 32 bytes) or run \`ordersurge setup\` to create ${file} (${error instanceof Error ? error.message : String(error)})`);
  }
  return parsePiiKeyring(text, file);
}

let cached: PiiKeyring | undefined;

/** {@link loadPiiKeyring} once per process (every stage of a worker shares it). */
export function processPiiKeyring(): PiiKeyring {
  cached ??= loadPiiKeyring();
  return cached;
}
