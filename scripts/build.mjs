// Bundles the extension client, the language server and the CLI with esbuild (type-checking is `npm run typecheck`).
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify') || process.env.DFT_MINIFY === '1';

/** @type {import('esbuild').BuildOptions} */
const { version } = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')));
const common = {
  define: { __VERSION__: JSON.stringify(version) },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !minify,
  minify,
  logLevel: 'warning',
  legalComments: 'none',
};

const targets = [
  { ...common, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  // The server loads its network layer lazily from dist/compose.js (see server/src/main.ts): faster start-up.
  { ...common, entryPoints: { server: 'server/src/main.ts' }, outdir: 'dist', external: ['./compose'] },
  // The CLI is the npm package's `bin`: one self-contained file (no runtime dependencies), run directly.
  { ...common, entryPoints: { cli: 'server/src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: { compose: 'server/src/compose.ts' }, outdir: 'dist' },
];

if (watch) {
  for (const t of targets) {
    const ctx = await esbuild.context(t);
    await ctx.watch();
  }
  console.log('esbuild: watching');
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
