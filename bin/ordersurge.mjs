#!/usr/bin/env node
// Runs the CLI compiled by scripts/build.mjs (npm's `prepare`, so `npm ci` builds it), which starts
// in a fraction of the time tsx takes to compile the TypeScript on every run. When there is no
// build, or any of its sources changed after it was made (an edit, a pull, a checkout), it runs the
// sources through tsx instead: never stale code; `npm run build` makes it fast again.
import { readFileSync, statSync } from 'node:fs';

const ROOT = new URL('../', import.meta.url);

function buildIsFresh() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL('dist/cli/build-manifest.json', ROOT), 'utf8'));
  } catch {
    return false;
  }
  for (const input of manifest.inputs) {
    // A source deleted or moved since the build makes it stale too.
    const stat = statSync(new URL(input, ROOT), { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs >= manifest.builtFrom) return false;
  }
  return true;
}

if (buildIsFresh()) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
