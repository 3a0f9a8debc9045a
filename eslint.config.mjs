// Lint gates: typescript-eslint's recommended rules plus the layering of ARCHITECTURE.md as import restrictions.
import tseslint from 'typescript-eslint';

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
  // core: pure — no I/O, no network layers, no LSP.
  layer(
    ['server/src/core/**/*.ts'],
    [['node:*', 'fs', 'http', 'https', 'net', 'child_process', 'undici', 'vscode*', '**/lsp/**', '**/registry/**', '**/trust/**', '**/cli/**', '**/main']],
    'core is pure: no I/O, no LSP, no network layers (ARCHITECTURE.md)',
  ),
  // registry: knows nothing of LSP, rules or trust.
  layer(['server/src/registry/**/*.ts'], [['vscode*', '**/lsp/**', '**/trust/**', '**/cli/**', '**/core/rules/**']], 'registry knows nothing of LSP, rules or trust'),
  // trust: no LSP, no rules.
  layer(['server/src/trust/**/*.ts'], [['vscode*', 'undici', '**/lsp/**', '**/cli/**', '**/core/rules/**']], 'trust knows nothing of LSP or rules, and uses the registry HTTP layer'),
  // trust/notation: no file reads (notation's directory comes through the injected NotationConfigStore).
  layer(
    ['server/src/trust/notation/**/*.ts'],
    [['vscode*', 'undici', '**/lsp/**', '**/cli/**', '**/core/rules/**', 'fs', 'fs/*', 'node:fs', 'node:fs/*', '**/stores/**']],
    'trust/notation reads files only through the injected NotationConfigStore (ARCHITECTURE.md)',
  ),
  // lsp: no direct network.
  layer(['server/src/lsp/**/*.ts'], [['undici', 'vscode', '**/cli/**', '**/registry/transport*']], 'lsp never talks to the network directly'),
  // cli: no LSP.
  layer(['server/src/cli/**/*.ts'], [['vscode*', '**/lsp/**', 'undici']], 'the CLI runs the engine without LSP'),
  // client: only the shared protocol types from the server.
  layer(['client/**/*.ts'], [['**/server/src/core/**', '**/server/src/lsp/**', '**/server/src/registry/**', '**/server/src/trust/**', '**/server/src/cli/**', 'undici']], 'the client only shares protocol/settings types with the server'),
  // config: the project config; no network, no LSP, no trust.
  layer(['server/src/config/**/*.ts'], [['vscode*', 'undici', '**/lsp/**', '**/registry/**', '**/trust/**', '**/cli/**']], 'config reads project files; it knows nothing of LSP, network or trust'),
  // Only transport.ts (and its proxy dispatchers, proxyAgent.ts) import undici.
  {
    files: ['server/src/registry/**/*.ts'],
    ignores: ['server/src/registry/transport.ts', 'server/src/registry/proxyAgent.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['undici', 'vscode*', '**/lsp/**', '**/trust/**', '**/cli/**', '**/core/rules/**'], message: 'only registry/transport.ts and registry/proxyAgent.ts import undici' }] }] },
  },
);
