// The editor reads the project config (.dockerfile-trust.yaml) of each document and re-reads it when the client
// reports a change of a watched config file; VS Code's own settings still win key by key.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol/node';
import { startLsp, type LspClient } from '../support/lsp';

const clients: LspClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
});

const codes = (p: { diagnostics: { code?: string | number }[] }): string[] => p.diagnostics.map((d) => String(d.code)).sort();

test('project config: applied on open, re-read on a watched-file change, created and deleted; editor settings win', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-lsp-cfg-'));
  fs.mkdirSync(path.join(dir, '.git'));
  fs.mkdirSync(path.join(dir, 'svc'));
  const cfg = path.join(dir, '.dockerfile-trust.yaml');
  fs.writeFileSync(cfg, 'allowedRegistries: [registry.example.com]\nignore: [base-image-unpinned]\n');
  const file = path.join(dir, 'svc', 'Dockerfile');
  const uri = pathToFileURL(file).toString();
  const c = await startLsp({ settings: { network: { enabled: false }, rules: { 'base-image-latest': 'error' } } });
  clients.push(c);
  c.open(uri, 'FROM ghcr.io/acme/tool:1\nFROM alpine\n', 1);
  // From the file: DT304 for ghcr.io and Docker Hub, DT101 ignored; DT102 from the editor's settings.
  const first = await c.until(uri, (p) => p.diagnostics.length > 0);
  assert.deepEqual(codes(first), ['DT102', 'DT304', 'DT304']);
  assert.equal(first.diagnostics.find((d) => d.code === 'DT102')?.severity, 1, 'editor settings win (error)');

  // The file changes on disk; the client reports it: diagnostics follow without touching the document.
  fs.writeFileSync(cfg, 'allowedRegistries: [ghcr.io, docker.io]\nrules: { base-image-latest: off }\n');
  await c.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(cfg).toString(), type: FileChangeType.Changed }] });
  const second = await c.until(uri, (p) => !codes(p).includes('DT304'));
  // DT101 is back (no longer ignored); DT102 stays: the editor's explicit severity wins over the file's "off".
  assert.deepEqual(codes(second), ['DT101', 'DT102']);

  // A nearer config is created: it replaces the upper one for its folder.
  const near = path.join(dir, 'svc', '.dockerfile-trust.yml');
  fs.writeFileSync(near, 'allowedRegistries: []\n');
  await c.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(near).toString(), type: FileChangeType.Created }] });
  const third = await c.until(uri, (p) => codes(p).filter((x) => x === 'DT304').length === 2);
  assert.deepEqual(codes(third), ['DT101', 'DT102', 'DT304', 'DT304']);

  // Both deleted: back to the editor's settings alone.
  fs.rmSync(near);
  fs.rmSync(cfg);
  await c.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(near).toString(), type: FileChangeType.Deleted }] });
  const fourth = await c.until(uri, (p) => !codes(p).includes('DT304'));
  assert.deepEqual(codes(fourth), ['DT101', 'DT102']);
});

test('project config: a broken file is reported in the output and not used', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-lsp-cfg-'));
  fs.mkdirSync(path.join(dir, '.git'));
  fs.writeFileSync(path.join(dir, '.dockerfile-trust.yaml'), 'rules: { base-image-unpinned: loud }\n');
  const uri = pathToFileURL(path.join(dir, 'Dockerfile')).toString();
  const c = await startLsp({ settings: { network: { enabled: false } } });
  clients.push(c);
  const logs: string[] = [];
  c.connection.onNotification('window/logMessage', (p: { message: string }) => {
    logs.push(p.message);
  });
  c.open(uri, 'FROM node:22\n', 1);
  assert.deepEqual(codes(await c.until(uri, (p) => p.diagnostics.length > 0)), ['DT101']);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(logs.some((m) => /project config: .*"loud" is not error, warning/.test(m)), logs.join('\n'));
});
