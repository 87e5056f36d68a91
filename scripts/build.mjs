// Compiles the CLI once (npm's `prepare`, run by `npm ci`/`npm install`, or `npm run build`), so
// `ordersurge` starts without compiling TypeScript on every run. bin/ordersurge.mjs runs the build
// only while it is fresh (see build-manifest.json below) and falls back to tsx otherwise.
//
// One bundle with code splitting: cli/main.ts and one chunk per lazily loaded command, npm packages
// left as imports but for kysely (see BUNDLED_PACKAGES). Plain JavaScript, so the build needs no
// TypeScript loader and takes well under a second.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'dist', 'cli');
// Built beside the live output, then swapped in, so a running `ordersurge` never sees half a build.
const STAGING = `${OUT}.building-${process.pid}`;

/**
 * Bundled code runs from dist/cli/, but modules find files next to their source through
 * `import.meta.url` (the package.json, bin/ordersurge.mjs for worker processes, the pool worker
 * and task modules, keys under the project root). Each source's `import.meta.url` is rewritten
 * to its own file's URL, relative to the output, so those paths resolve as they do under tsx.
 */
const sourceUrls = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.[mc]?tsx?$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = await readFile(args.path, 'utf8');
      const fromOutput = path.relative(OUT, args.path).split(path.sep).join('/');
      const contents = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOutput)}, import.meta.url).href`);
      return { contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
};

/**
 * npm packages stay imports from node_modules, except those in BUNDLED_PACKAGES: kysely's ESM
 * build is 280 small modules that Node resolves and reads one by one on every start (importing it
 * took 270-440 ms on this machine under load, bundled 50-140 ms), and every command that reads
 * Postgres loads it. It is plain JavaScript with no native parts, no files of its own to find and
 * no import.meta.url, so a bundled copy behaves as the installed one. The CLI builds its own
 * Kysely instances, so no object crosses between this copy and the one tests and tsx load.
 */
const BUNDLED_PACKAGES = new Set(['kysely']);
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const parts = args.path.split('/');
      const name = args.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
      return BUNDLED_PACKAGES.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

// Sources changed after this instant make the build stale (an edit during the build included).
const builtFrom = Date.now();
await rm(STAGING, { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: ['cli/main.ts'],
  outdir: STAGING,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [externalPackages, sourceUrls],
});
// A bundled package changes only through npm install, which runs this build again (prepare).
const sources = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/'));
const inputs = [...sources, 'tsconfig.json', 'scripts/build.mjs'].sort();
// The bin checks every input's modification time against builtFrom before it runs the build.
await writeFile(path.join(STAGING, 'build-manifest.json'), `${JSON.stringify({ builtFrom, inputs }, null, 1)}\n`);
await rm(OUT, { recursive: true, force: true });
await rename(STAGING, OUT);
