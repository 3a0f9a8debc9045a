// Replaces the README's pictures (docs/screenshots) with the ones of the last e2e run, only when every step of
// that run passed. The e2e suite itself never touches tracked files: run `npm run test:e2e` first, then this.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The editor journeys that take pictures for the README, each with its own results folder and run record.
const runs = ['e2e', 'e2e-offline'].map((d) => join(ROOT, 'test-results', d));
const docs = join(ROOT, 'docs', 'screenshots');
const pngs = [];
for (const results of runs) {
  const runFile = join(results, 'run.json');
  if (!existsSync(runFile)) {
    console.error(`no e2e run found in ${results}: run \`npm run test:e2e\` first`);
    process.exit(2);
  }
  const run = JSON.parse(readFileSync(runFile, 'utf8'));
  if (run.complete !== true) {
    console.error(`the last run in ${results} (${run.at}) passed ${run.passed} of ${run.declared} steps: screenshots are replaced only from complete runs`);
    process.exit(1);
  }
  const here = readdirSync(results).filter((f) => f.endsWith('.png')).sort();
  if (here.length === 0) {
    console.error(`no screenshots in ${results}`);
    process.exit(1);
  }
  for (const f of here) pngs.push(join(results, f));
}
mkdirSync(docs, { recursive: true });
for (const f of readdirSync(docs)) if (f.endsWith('.png')) rmSync(join(docs, f));
for (const f of pngs) copyFileSync(f, join(docs, basename(f)));
console.log(`docs/screenshots: ${pngs.length} pictures from ${runs.length} complete e2e runs`);
