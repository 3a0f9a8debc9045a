// The shape of the download analysis: handlers see the walk only through context.ts, there is no import cycle,
// and every tool family has its own table test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../support/paths';

const ROOT = path.join(REPO_ROOT, 'server', 'src', 'core', 'downloads');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** Relative imports of a module; `runtime` leaves out `import type` and imports of types only. */
function imports(file: string, runtime: boolean): string[] {
  const src = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^import\s+(type\s+)?([\s\S]*?)\s+from\s+'(\.[^']*)';/gm)) {
    const names = m[2] as string;
    const typeOnly = m[1] !== undefined || (/^\{[^}]*\}$/.test(names.trim()) && names.replace(/[{}]/g, '').split(',').every((n) => n.trim() === '' || n.trim().startsWith('type ')));
    if (runtime && typeOnly) continue;
    const target = path.resolve(path.dirname(file), m[3] as string);
    const resolved = [`${target}.ts`, path.join(target, 'index.ts')].find((c) => fs.existsSync(c));
    if (resolved !== undefined) out.push(resolved);
  }
  return out;
}

test('downloads: handlers and the PowerShell reader never import the walker', () => {
  const walker = path.join(ROOT, 'walker.ts');
  for (const f of files(ROOT)) {
    if (!f.includes(`${path.sep}handlers${path.sep}`) && !f.includes(`${path.sep}powershell${path.sep}`)) continue;
    assert.ok(!imports(f, false).includes(walker), `${path.relative(ROOT, f)} imports walker.ts`);
  }
});

test('downloads: no import cycle between its modules', () => {
  const graph = new Map(files(ROOT).map((f) => [f, imports(f, true).filter((d) => d.startsWith(ROOT))]));
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (u: string): void => {
    state.set(u, 1);
    stack.push(u);
    for (const v of graph.get(u) ?? []) {
      if (state.get(v) === 1) assert.fail(`import cycle: ${[...stack.slice(stack.indexOf(v)), v].map((x) => path.relative(ROOT, x)).join(' -> ')}`);
      if (state.get(v) === undefined) visit(v);
    }
    stack.pop();
    state.set(u, 2);
  };
  for (const f of graph.keys()) if (state.get(f) === undefined) visit(f);
});

test('downloads: every tool family in the handler table has its own table test', () => {
  const index = fs.readFileSync(path.join(ROOT, 'handlers', 'index.ts'), 'utf8');
  const families = [...index.matchAll(/from '\.\/([a-z]+)';/g)].map((m) => m[1] as string).filter((f) => f !== 'uses');
  assert.ok(families.length >= 8, families.join(', '));
  for (const f of families) assert.ok(fs.existsSync(path.join(REPO_ROOT, 'test', 'unit', 'downloads', 'handlers', `${f}.test.ts`)), `test/unit/downloads/handlers/${f}.test.ts`);
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'test', 'unit', 'downloads', 'powershell', 'cmdlets.test.ts')));
});
