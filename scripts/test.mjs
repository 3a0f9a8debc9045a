// Runs the test suites with node's own test runner (TypeScript through tsx).
// Usage: node scripts/test.mjs [suite ...]   suites: unit corpus lsp integration package e2e (default: all)
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ALL = ['unit', 'corpus', 'lsp', 'integration', 'package', 'e2e'];
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

// Every suite builds first, so none can test a stale dist/ (unit tests run the sources, and one of them the
// bundled CLI; the others drive the bundles). The e2e suite also packages its own .vsix (test/e2e/harness.ts).
const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: ROOT });
if (b.status !== 0) process.exit(b.status ?? 1);

// The pure suites (no servers, no ports, no browser) run their files on every CPU; the others one file at a time.
const PARALLEL = new Set(['unit', 'corpus']);
const groups = [suites.filter((s) => PARALLEL.has(s)), suites.filter((s) => !PARALLEL.has(s))]
  .map((g, i) => ({ files: g.flatMap((s) => find(join(ROOT, 'test', s))), concurrency: i === 0 ? Math.max(2, availableParallelism()) : 1 }))
  .filter((g) => g.files.length > 0);
if (groups.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'));
let status = 0;
for (const g of groups) {
  const concurrency = extra.some((a) => a.startsWith('--test-concurrency')) ? [] : [`--test-concurrency=${g.concurrency}`];
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...concurrency, ...extra, ...g.files], { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) status = r.status ?? 1;
}

// External data beside the clone (test/support/shared.ts): say loudly what did not run, and why.
const shared = resolve(ROOT, '..', 'shared');
const needs = [
  ['corpus', 'corpus scores and engine checks over 180 real Dockerfiles (suite corpus)'],
  ['conformance/sigstore', 'Sigstore conformance vectors (suites unit, integration)'],
  ['conformance/notation', 'Notation vectors from notation-go: the vector table and the registry end-to-end case (suite integration)'],
].filter(([rel]) => !existsSync(join(shared, rel)));
if (needs.length > 0) {
  const ci = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());
  const lines = [
    ci ? 'FAILED: external test data is missing, and under CI (CI=true) that is a failure:' : 'SKIPPED: tests that need external test data did not run:',
    ...needs.map(([rel, what]) => `  ../shared/${rel} not found (${join(shared, rel)}): ${what}`),
    ci ? '' : 'These tests are marked "# SKIP" above. Everything else ran. Under CI=true their absence fails the run.',
  ].filter((l) => l !== '');
  const width = Math.min(120, Math.max(...lines.map((l) => l.length)) + 4);
  console.error(`\n${'#'.repeat(width)}\n${lines.map((l) => `# ${l}`).join('\n')}\n${'#'.repeat(width)}\n`);
}
process.exit(status);
