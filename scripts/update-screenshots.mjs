// Replaces the README's pictures (docs/screenshots) with the ones of the last e2e run, only when every step of
// that run passed. The e2e suite itself never touches tracked files: run `npm run test:e2e` first, then this.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(ROOT, 'test-results', 'e2e');
const docs = join(ROOT, 'docs', 'screenshots');
const runFile = join(results, 'run.json');
if (!existsSync(runFile)) {
  console.error(`no e2e run found in ${results}: run \`npm run test:e2e\` first`);
  process.exit(2);
}
const run = JSON.parse(readFileSync(runFile, 'utf8'));
if (run.complete !== true) {
  console.error(`the last e2e run (${run.at}) passed ${run.passed} of ${run.declared} steps: screenshots are replaced only from a complete run`);
  process.exit(1);
}
const pngs = readdirSync(results).filter((f) => f.endsWith('.png')).sort();
if (pngs.length === 0) {
  console.error(`no screenshots in ${results}`);
  process.exit(1);
}
mkdirSync(docs, { recursive: true });
for (const f of readdirSync(docs)) if (f.endsWith('.png')) rmSync(join(docs, f));
for (const f of pngs) copyFileSync(join(results, f), join(docs, f));
console.log(`docs/screenshots: ${pngs.length} pictures from the e2e run of ${run.at}`);
