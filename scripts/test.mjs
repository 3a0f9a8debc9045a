// Runs the test suites with node's own test runner (TypeScript through tsx).
// Usage: node scripts/test.mjs [suite ...]   suites: unit corpus lsp integration e2e (default: all)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ALL = ['unit', 'corpus', 'lsp', 'integration', 'e2e'];
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const suites = asked.length > 0 ? asked : ALL;
for (const s of suites) {
  if (!ALL.includes(s)) {
    console.error(`unknown suite "${s}"; known: ${ALL.join(', ')}`);
    process.exit(2);
  }
}

function find(dir) {
  let out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries.sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(find(p));
    else if (e.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

// LSP, integration and e2e suites drive the bundled server and extension: build them first.
if (suites.some((s) => s !== 'unit' && s !== 'corpus')) {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
// The e2e suite builds and packages the .vsix in its own staging folder (test/e2e/harness.ts).

const files = suites.flatMap((s) => find(join('test', s)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...extra, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
