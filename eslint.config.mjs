// Lint gates: typescript-eslint's recommended rules plus the layering of ARCHITECTURE.md as import restrictions.
import tseslint from 'typescript-eslint';

/** Everything a core module must not import: every folder and module of server/src outside core. */
const OUTSIDE_CORE = ['**/lsp', '**/lsp/**', '**/registry', '**/registry/**', '**/trust', '**/trust/**', '**/cli', '**/cli/**', '**/main', '**/compose', '**/pipeline', '**/pipeline/**', '**/config', '**/config/**', '**/stores', '**/stores/**', '**/protocol'];
/** Of core, the layers below the engine read only its plain data modules. */
const CORE_EXCEPT_DATA = ['**/core/*', '!**/core/facts', '!**/core/imageRef', '**/core/*/**'];

const layer = (files, patterns, message) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group, message })) }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // Each layer's imports, as ARCHITECTURE.md states them (every rule names the invariant it guards). In flat
  // config a later entry replaces an earlier one for the same rule, so every file matches exactly one layer.
  layer(
    ['server/src/core/**/*.ts'],
    [['node:*', 'fs', 'http', 'https', 'net', 'child_process', 'undici', 'vscode*', ...OUTSIDE_CORE]],
    'core is pure and synchronous: no I/O, no LSP, no network or trust layers, nothing outside core (ARCHITECTURE.md, "core")',
  ),
  layer(
    ['server/src/registry/**/*.ts'],
    [['undici', 'vscode*', '**/lsp', '**/lsp/**', '**/trust', '**/trust/**', '**/cli', '**/cli/**', '**/compose', '**/pipeline', '**/pipeline/**', '**/stores', '**/stores/**', '**/config', '**/config/**', '**/main', ...CORE_EXCEPT_DATA]],
    'registry knows nothing of LSP, rules or trust; of core it reads plain data only (facts, imageRef); only transport.ts and proxyAgent.ts import undici',
  ),
  {
    files: ['server/src/registry/transport.ts', 'server/src/registry/proxyAgent.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['vscode*', '**/lsp', '**/lsp/**', '**/trust', '**/trust/**', '**/cli', '**/cli/**', '**/compose', '**/pipeline', '**/pipeline/**', '**/stores', '**/stores/**', '**/config', '**/config/**', '**/main', ...CORE_EXCEPT_DATA], message: 'the transport knows nothing above the HTTP contract' }] }] },
  },
  layer(
    ['server/src/trust/**/*.ts'],
    [['vscode*', 'undici', 'fs', 'fs/*', 'node:fs', 'node:fs/*', '**/lsp', '**/lsp/**', '**/cli', '**/cli/**', '**/compose', '**/pipeline', '**/pipeline/**', '**/stores', '**/stores/**', '**/config', '**/config/**', '**/main', '**/registry/transport*', ...CORE_EXCEPT_DATA]],
    'trust knows nothing of LSP, rules or analysis (of core: facts and imageRef only), reads no file (stores are injected) and uses the registry HTTP contract, never undici',
  ),
  layer(
    ['server/src/lsp/**/*.ts'],
    [['undici', 'vscode', '**/cli', '**/cli/**', '**/registry', '**/registry/**', '**/compose', '**/stores', '**/stores/**', '**/config', '**/config/**', '**/main', '**/trust/**', '!**/trust/service']],
    'lsp speaks LSP only: it reaches lookups through trust/service (an interface) and the pipeline, never the network, the stores or the composition root',
  ),
  layer(
    ['server/src/pipeline/**/*.ts'],
    [['vscode*', 'undici', 'node:*', '**/lsp', '**/lsp/**', '**/cli', '**/cli/**', '**/registry', '**/registry/**', '**/compose', '**/stores', '**/stores/**', '**/main', '**/trust/**', '!**/trust/service']],
    'the pipeline runs the engine over text and an ImageLookup: no protocol, no I/O of its own',
  ),
  layer(['server/src/cli/**/*.ts'], [['vscode*', '**/lsp', '**/lsp/**', 'undici', '**/registry/transport*', '**/main']], 'the CLI runs the engine without LSP; it builds services through compose'),
  layer(
    ['server/src/config/**/*.ts'],
    [['vscode*', 'undici', '**/lsp', '**/lsp/**', '**/registry', '**/registry/**', '**/trust', '**/trust/**', '**/cli', '**/cli/**', '**/compose', '**/pipeline', '**/pipeline/**', '**/stores', '**/stores/**', '**/main']],
    'config reads project files; it knows nothing of LSP, network or trust (and can only produce analysis settings)',
  ),
  layer(
    ['server/src/stores/**/*.ts'],
    [['vscode*', 'undici', '**/lsp', '**/lsp/**', '**/registry', '**/registry/**', '**/cli', '**/cli/**', '**/compose', '**/pipeline', '**/pipeline/**', '**/config', '**/config/**', '**/main', '**/core/**']],
    'stores are file-system implementations of interfaces the trust layer defines; nothing else',
  ),
  layer(['client/**/*.ts'], [['**/server/src/core/**', '**/server/src/lsp/**', '**/server/src/registry/**', '**/server/src/trust/**', '**/server/src/cli/**', '**/server/src/pipeline/**', '**/server/src/compose', '**/server/src/stores/**', 'undici']], 'the client only shares protocol/settings types with the server'),
);
