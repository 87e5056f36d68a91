import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPiiKeyring } from '../../streams/pii/keyring.ts';
import { ensurePiiKey } from './pii-key.ts';

describe('ensurePiiKey', () => {
  const dirs: string[] = [];
  const dataDir = (): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pii-key-'));
    dirs.push(dir);
    return path.join(dir, 'data');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates a key file readable by its owner only, once, that the keyring loads', () => {
    const dir = dataDir();
    expect(ensurePiiKey(dir, {})).toMatch(/^created buyer data key .*pii\.key \(mode 0600\)/);
    const file = path.join(dir, 'pii.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, 'utf8');
    expect(ensurePiiKey(dir, {})).toMatch(/in place: nothing to do$/);
    expect(readFileSync(file, 'utf8')).toBe(key);
    expect(loadPiiKeyring({ ORDERSURGE_DATA_DIR: dir }).currentId).toBe('k1');
  });

  it('refuses a key file others can read, and leaves the file alone when the key is in the environment', () => {
    const dir = dataDir();
    ensurePiiKey(dir, {});
    chmodSync(path.join(dir, 'pii.key'), 0o644);
    expect(() => ensurePiiKey(dir, {})).toThrow(/mode 644 lets others read the buyer data key; run `chmod 600/);
    const other = dataDir();
    expect(ensurePiiKey(other, { ORDERSURGE_PII_KEY: 'x' })).toBe('buyer data key: from ORDERSURGE_PII_KEY');
    expect(() => loadPiiKeyring({ ORDERSURGE_DATA_DIR: other })).toThrow(/no PII key: set ORDERSURGE_PII_KEY .* or run `ordersurge setup`/);
  });
});
