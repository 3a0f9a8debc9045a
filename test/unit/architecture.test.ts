// The layering of ARCHITECTURE.md is checked, not just written: a forbidden import fails lint, and the module
// graph has no import cycle. Each case below would slip through if its rule in eslint.config.mjs were removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { REPO_ROOT } from '../support/paths';

const eslint = new ESLint({ cwd: REPO_ROOT });

async function restricted(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: join(REPO_ROOT, file) });
  return (r?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

const CASES: { file: string; code: string; allowed: boolean; why: string }[] = [
  { file: 'server/src/core/probe.ts', code: "import { compose } from '../compose';\nexport const x = compose;\n", allowed: false, why: 'core → compose' },
  { file: 'server/src/core/rules/probe.ts', code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", allowed: false, why: 'core → file system' },
  { file: 'server/src/core/probe.ts', code: "import { normalizeSettings } from '../protocol';\nexport const x = normalizeSettings;\n", allowed: false, why: 'core → protocol' },
  { file: 'server/src/core/probe.ts', code: "import { analyze } from './analyze';\nexport const x = analyze;\n", allowed: true, why: 'core → core' },
  { file: 'server/src/lsp/probe.ts', code: "import { createTransport } from '../registry';\nexport const x = createTransport;\n", allowed: false, why: 'lsp → registry' },
  { file: 'server/src/lsp/probe.ts', code: "import { createTrustServices } from '../trust/imageLookup';\nexport const x = createTrustServices;\n", allowed: false, why: 'lsp → a trust implementation' },
  { file: 'server/src/lsp/probe.ts', code: "import type { ImageLookup } from '../trust/service';\nexport type X = ImageLookup;\n", allowed: true, why: 'lsp → trust/service' },
  { file: 'server/src/lsp/probe.ts', code: "import { compose } from '../compose';\nexport const x = compose;\n", allowed: false, why: 'lsp → composition root' },
  { file: 'server/src/trust/probe.ts', code: "import { analyze } from '../core/analyze';\nexport const x = analyze;\n", allowed: false, why: 'trust → core/analyze' },
  { file: 'server/src/trust/cosign/probe.ts', code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", allowed: false, why: 'trust → file system' },
  { file: 'server/src/trust/cosign/probe.ts', code: "import { request } from 'undici';\nexport const x = request;\n", allowed: false, why: 'trust → undici' },
  { file: 'server/src/trust/probe.ts', code: "import type { TrustFact } from '../core/facts';\nexport type X = TrustFact;\n", allowed: true, why: 'trust → core/facts' },
  { file: 'server/src/registry/probe.ts', code: "import { request } from 'undici';\nexport const x = request;\n", allowed: false, why: 'registry (not transport) → undici' },
  { file: 'server/src/registry/probe.ts', code: "import { buildModel } from '../core/model';\nexport const x = buildModel;\n", allowed: false, why: 'registry → core/model' },
  { file: 'server/src/pipeline/probe.ts', code: "import { createTransport } from '../registry/transport';\nexport const x = createTransport;\n", allowed: false, why: 'pipeline → network' },
  { file: 'server/src/stores/probe.ts', code: "import { analyze } from '../core/analyze';\nexport const x = analyze;\n", allowed: false, why: 'stores → core' },
  { file: 'client/src/probe.ts', code: "import { analyze } from '../../server/src/core/analyze';\nexport const x = analyze;\n", allowed: false, why: 'client → server core' },
];

for (const c of CASES) {
  test(`layering: ${c.why} is ${c.allowed ? 'allowed' : 'refused by lint'}`, async () => {
    const msgs = await restricted(c.file, c.code);
    if (c.allowed) assert.deepEqual(msgs, [], msgs.join('\n'));
    else assert.ok(msgs.length > 0, `${c.file} importing like this passed lint:\n${c.code}`);
  });
}

test('import cycles: the checker finds one in a synthetic graph, and the real source has none', async () => {
  const { cycles, importGraph } = (await import(join(REPO_ROOT, 'scripts', 'check-cycles.mjs'))) as {
    cycles: (g: Map<string, string[]>) => string[][];
    importGraph: (paths: string[], read?: (p: string) => string) => Map<string, string[]>;
  };
  const g = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
  ]);
  assert.deepEqual(cycles(g), [['a', 'b', 'c']]);
  const { execFileSync } = await import('node:child_process');
  let out = '';
  try {
    out = execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'check-cycles.mjs')], { encoding: 'utf8' });
  } catch (e) {
    assert.fail(`import cycles in the source:\n${(e as { stderr?: string }).stderr ?? String(e)}`);
  }
  assert.match(out, /no import cycles among \d+ modules/);
  void importGraph;
});
