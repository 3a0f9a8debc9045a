// External test data beside the clone (../shared: the labelled corpus, the Sigstore and Notation vectors).
// A plain clone has none of it: tests that need it are skipped with a loud notice; under CI (CI=true) its
// absence is a failure, so CI always runs everything. Unit tests use the project's own fixtures instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

export const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');

/** CI=true (or 1) as CI systems set it. */
export function underCi(): boolean {
  const ci = (process.env['CI'] ?? '').toLowerCase();
  return ci === 'true' || ci === '1';
}

export interface SharedData {
  /** Absolute path of the data (it may not exist: see `skip`). */
  readonly dir: string;
  /** A reason to pass as `test(name, { skip })` when the data is missing; false when it is there. */
  readonly skip: string | false;
}

const announced = new Set<string>();

/**
 * Locates `../shared/<rel>`. When it is missing: under CI a failing test says so; elsewhere the notice is
 * printed once per file (stderr, boxed) and `skip` carries the reason for the tests that need it.
 */
export function sharedData(rel: string, what: string): SharedData {
  const dir = path.join(SHARED_DIR, rel);
  if (fs.existsSync(dir)) return { dir, skip: false };
  const reason = `SKIPPED: ${what} (needs ../shared/${rel}, which is not beside this clone: looked in ${dir})`;
  if (underCi()) {
    if (!announced.has(rel)) {
      announced.add(rel);
      test(`external test data ../shared/${rel} is present (required under CI)`, () => {
        assert.fail(`${reason}. Under CI (CI=true) every suite must run: missing external data is a failure.`);
      });
    }
    return { dir, skip: `${reason} (a failure under CI, reported by the test above)` };
  }
  if (!announced.has(rel)) {
    announced.add(rel);
    const line = `!! ${reason}.`;
    const tip = '!! Put the project\'s shared data folder beside the clone to run these; under CI=true this is a failure.';
    const bar = '!'.repeat(Math.min(120, Math.max(line.length, tip.length)));
    process.stderr.write(`\n${bar}\n${line}\n${tip}\n${bar}\n\n`);
  }
  return { dir, skip: reason };
}

/** The project's own Dockerfile fixtures (test/fixtures/dockerfiles and examples/): always present. */
export function projectDockerfiles(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const dir = path.join(REPO_ROOT, 'test', 'fixtures', 'dockerfiles');
  for (const f of fs.readdirSync(dir).sort()) out.push({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8') });
  out.push({ name: 'examples/Dockerfile', text: fs.readFileSync(path.join(REPO_ROOT, 'examples', 'Dockerfile'), 'utf8') });
  return out;
}

/** The corpus Dockerfiles (call only when the corpus is present). */
export function corpusDockerfiles(corpusDir: string): { name: string; text: string }[] {
  const dir = path.join(corpusDir, 'files');
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => ({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}
