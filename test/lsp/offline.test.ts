// The language server on a real day, over stdio, with "Docker Hub" on loopback (test/support/fakeHub.ts: a proxy
// that serves registry-1.docker.io from a real docker-registry and records every request; nothing else reachable):
// what leaves the machine while typing, and what the person sees when the network is gone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeActionKind, CodeActionRequest, DidChangeConfigurationNotification, HoverRequest, type CodeAction, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { startFakeHub, HUB_HOST, type FakeHub } from '../support/fakeHub';
import { startLsp, type LspClient } from '../support/lsp';
import type { StatusParams } from '../../server/src/protocol';

let hub: FakeHub;
let dockerConfig: string;
const clients: LspClient[] = [];

before(async () => {
  hub = await startFakeHub();
  for (const [repo, tag] of [['library/ubuntu', '24.04'], ['library/alpine', '3.20'], ['library/node', '20'], ['library/debian', '12']] as const) {
    await hub.registry.pushImage(repo, tag, { kind: 'oci-index', seed: `${repo}:${tag}` });
  }
  // No credentials of the machine this runs on.
  dockerConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-offline-docker-'));
});

after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await hub?.stop();
  if (dockerConfig) fs.rmSync(dockerConfig, { recursive: true, force: true });
});

async function server(extraArgs: string[] = [], settings: Record<string, unknown> = {}): Promise<{ c: LspClient; settings: Record<string, unknown> }> {
  const s: Record<string, unknown> = { registries: { 'docker.io': { caFile: hub.caFile } }, ...settings };
  const c = await startLsp({
    settings: s,
    extraArgs,
    env: { ...process.env, HTTPS_PROXY: hub.proxyUrl, HTTP_PROXY: hub.proxyUrl, NO_PROXY: '', https_proxy: '', http_proxy: '', no_proxy: '', DOCKER_CONFIG: dockerConfig },
    textDocumentCapabilities: { codeAction: { disabledSupport: true, codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } } } },
    initializationOptions: { ruleDocs: true },
  });
  clients.push(c);
  return { c, settings: s };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(what: string, get: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`never happened within ${ms} ms: ${what}`);
    await sleep(50);
  }
}

/** Types `text` at the start of `line` one character at a time, a key every `cadenceMs`. */
async function type(c: LspClient, uri: string, version: number, line: number, text: string, cadenceMs: number): Promise<number> {
  let v = version;
  for (let i = 0; i < text.length; i++) {
    c.change(uri, ++v, [{ range: { start: { line, character: i }, end: { line, character: i } }, text: text[i]! }]);
    await sleep(cadenceMs);
  }
  return v;
}

function statuses(c: LspClient): StatusParams[] {
  return c.notifications.filter((n) => n.method === 'dockerfileTrust/status').map((n) => n.params as StatusParams);
}

function logs(c: LspClient): string[] {
  return c.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as { message: string }).message);
}

async function actionsFor(c: LspClient, uri: string, d: Diagnostic): Promise<CodeAction[]> {
  return (await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: [CodeActionKind.QuickFix] } })) as CodeAction[];
}

describe('what leaves the machine while typing', { concurrency: false }, () => {
  test('typing FROM ubuntu:24.04 one character at a time sends one lookup: for the finished reference, never for a prefix', async () => {
    const { c } = await server();
    const uri = 'file:///work/typing/Dockerfile';
    c.open(uri, 'FROM alpine:3.20\n\n', 1);
    await eventually('the opened file is looked up at once', () => (hub.manifestsAsked().includes('library/alpine:3.20') ? true : undefined));
    const t0 = Date.now();
    await type(c, uri, 1, 1, 'FROM ubuntu:24.04', 60);
    const asked = await eventually('the finished reference is looked up', () => (hub.manifestsAsked(t0).length > 0 ? hub.manifestsAsked(t0) : undefined), 10_000);
    // Anything else that was going to be asked would have been by now (the delay is 1.5 s).
    await sleep(2_000);
    assert.deepEqual(hub.manifestsAsked(t0), ['library/ubuntu:24.04'], `asked while typing: ${hub.manifestsAsked(t0).join(', ')} (first: ${asked.join(', ')})`);
    console.log(`# typing FROM ubuntu:24.04 (17 keys, 60 ms apart): ${hub.manifestsAsked(t0).length} lookup(s), ${hub.requests.filter((r) => r.at >= t0).length} HTTP request(s) at the registry`);
    // The answer reaches the document: the pin fix for the typed image is there.
    const p = await c.until(uri, (x) => x.diagnostics.some((d) => d.code === 'DT101' && d.range.start.line === 1));
    const d = p.diagnostics.find((x) => x.code === 'DT101' && x.range.start.line === 1)!;
    const pin = await eventually('a pin for the typed image', async () => (await actionsFor(c, uri, d)).find((a) => a.title.startsWith('Pin to registry digest') && a.disabled === undefined));
    assert.match(pin.edit?.changes?.[uri]?.[0]?.newText ?? '', /^ubuntu:24\.04@sha256:[0-9a-f]{64}$/);
  });

  test('control: with no typing pause the same keystrokes send the prefixes (the recording sees them)', async () => {
    const { c } = await server(['--lookup-delay-ms', '0']);
    const uri = 'file:///work/typing-control/Dockerfile';
    c.open(uri, '\n', 1);
    const t0 = Date.now();
    await type(c, uri, 1, 0, 'FROM ubuntu:24.04', 60);
    await sleep(1_500);
    const asked = hub.manifestsAsked(t0);
    assert.ok(asked.includes('library/u:latest') && asked.includes('library/ubuntu:24.04') && asked.length > 5, `prefixes asked: ${asked.join(', ')}`);
  });

  test('saving makes every reference finished at once', async () => {
    const { c } = await server(['--lookup-delay-ms', '60000']);
    const uri = 'file:///work/saving/Dockerfile';
    c.open(uri, '\n', 1);
    const t0 = Date.now();
    await type(c, uri, 1, 0, 'FROM debian:12', 20);
    await sleep(500);
    assert.deepEqual(hub.manifestsAsked(t0), [], 'nothing before the save (the pause is a minute here)');
    c.save(uri);
    await eventually('the saved reference is looked up', () => (hub.manifestsAsked(t0).includes('library/debian:12') ? true : undefined), 5_000);
    assert.deepEqual(hub.manifestsAsked(t0), ['library/debian:12']);
  });
});

describe('an offline day', { concurrency: false }, () => {
  const uri = 'file:///work/offline/Dockerfile';
  // The images of a real day: one used three times (twice as FROM, once by COPY --from), in a file with an unresolved ARG.
  const text = [
    'ARG BASE',
    'FROM node:20 AS build',
    'RUN npm ci',
    'FROM node:20 AS test',
    'FROM alpine:3.20',
    'COPY --from=node:20 /usr/local/bin/node /usr/local/bin/node',
    'FROM ${BASE}',
    'FROM ubuntu:24.04',
    '',
  ].join('\n');

  test('no network: no per-image failures, one workspace state, one output line, nothing sent while typing, and the pin fix says why it cannot run', async () => {
    hub.offline = true;
    const { c } = await server();
    const t0 = Date.now();
    c.open(uri, text, 1);
    const status = await eventually('the workspace is offline', () => statuses(c).find((s) => s.state === 'unreachable'));
    assert.deepEqual([status.text, status.detail, status.severity], ['Offline', `${HUB_HOST} unreachable · 3 not checked`, 'warning']);
    assert.match(status.cause ?? '', /^registry-1\.docker\.io: the proxy refused the connection \(502\); asked again in \d+ s, or now with Retry$/);
    assert.ok(!/https?:\/\//.test(status.cause ?? ''), status.cause);
    // Problems: what is wrong in the file, once; nothing per image about the network.
    await sleep(500);
    const p = await c.until(uri, () => true);
    const codes = p.diagnostics.map((d) => `${d.range.start.line + 1}:${d.code}`);
    assert.deepEqual(codes.filter((x) => x.endsWith('DT303')), [], codes.join(' '));
    assert.deepEqual(codes.sort(), ['2:DT101', '4:DT101', '5:DT101', '6:DT101', '7:DT104', '8:DT101'].sort());
    console.log(`# offline: ${p.diagnostics.length} Problems entries for 6 image uses (3 images)`);
    // The output channel: one line for the host, none per image or use.
    const lines = logs(c).filter((l) => l.includes(HUB_HOST) || /lookup|unavailable/.test(l));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, /^registry-1\.docker\.io is not reachable: /);
    // What was sent: at most one attempt per image before the host was known to be down.
    const attempts = hub.requests.filter((r) => r.at >= t0 && r.method === 'CONNECT');
    console.log(`# offline: ${attempts.length} CONNECT attempt(s) for 3 images at open, ${lines.length} output line(s)`);
    assert.ok(attempts.length >= 1 && attempts.length <= 3, `CONNECT attempts: ${attempts.length}`);

    // Typing a new image while offline sends nothing (the host is known to be down).
    const t1 = Date.now();
    await type(c, uri, 1, 8, 'FROM debian:12', 40);
    await sleep(2_500);
    assert.deepEqual(hub.requests.filter((r) => r.at >= t1), [], 'requests while offline');

    // The pin fix is there, disabled, with the reason; ignore and documentation are on every diagnostic.
    const d = p.diagnostics.find((x) => x.code === 'DT101' && x.range.start.line === 7)!;
    const actions = await actionsFor(c, uri, d);
    const pin = actions.find((a) => a.title === 'Pin ubuntu:24.04 to a digest (offline: registry-1.docker.io is not reachable)');
    assert.ok(pin?.disabled !== undefined, actions.map((a) => a.title).join(' | '));
    assert.match(pin.disabled.reason, /^Offline: registry-1\.docker\.io is not reachable, so the digest of ubuntu:24\.04 is not known\. Use Retry/);
    const ignore = actions.find((a) => a.title === 'Ignore DT101 (base-image-unpinned) on this line');
    assert.deepEqual(ignore?.edit?.changes?.[uri], [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }, newText: '# dockerfile-trust ignore=base-image-unpinned\n' }]);
    const docs = actions.find((a) => a.title === 'Show documentation for DT101 (base-image-unpinned)');
    assert.deepEqual(docs?.command?.arguments, ['base-image-unpinned']);

    // The hover says it once, in words, without the request URL.
    const hover = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 7, character: 8 } });
    const value = (hover?.contents as MarkupContent).value;
    assert.match(value, /not checked: registry-1\.docker\.io is not reachable/);
    assert.ok(!/https?:\/\//.test(value), value);
    assert.equal(value.match(/not reachable/g)?.length, 1, value);

    // Back online: Retry asks again at once, and the state clears.
    hub.offline = false;
    await c.connection.sendRequest('dockerfileTrust/refresh');
    await eventually('reachable again', () => statuses(c).at(-1)?.state === 'ok' ? true : undefined);
    await eventually('the images were looked up after Retry', () => (hub.manifestsAsked(t1).includes('library/ubuntu:24.04') ? true : undefined));
  });

  test('switching to cache only drops the failures from view at once and sends nothing; off shows no lookup state at all', async () => {
    hub.offline = true;
    const { c, settings } = await server();
    c.open(uri, text, 1);
    await eventually('offline', () => statuses(c).find((s) => s.state === 'unreachable'));
    const t0 = Date.now();
    settings['network'] = { mode: 'cacheOnly' };
    await c.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const s = await eventually('cache only', () => statuses(c).find((x) => x.state === 'cacheOnly'));
    assert.equal(s.text, 'Working offline (cache only)');
    assert.equal(s.severity, 'ok');
    const hover = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 7, character: 8 } });
    assert.match((hover?.contents as MarkupContent).value, /not checked: working from the cache only, and this image is not in it/);
    const d = (await c.until(uri, () => true)).diagnostics.find((x) => x.code === 'DT101' && x.range.start.line === 7)!;
    const pin = (await actionsFor(c, uri, d)).find((a) => a.title === 'Pin ubuntu:24.04 to a digest (working offline: not in the cache)');
    assert.match(pin?.disabled?.reason ?? '', /^Working offline: ubuntu:24\.04 is not in the cache/);
    settings['network'] = { mode: 'off' };
    await c.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const off = await eventually('off', () => statuses(c).find((x) => x.state === 'off'));
    assert.equal(off.text, 'Lookups off');
    await sleep(1_000);
    assert.deepEqual(hub.requests.filter((r) => r.at >= t0), [], 'requests after switching to cache only / off');
    // Back on, with the network back: asked at once (a failure from before the switch is not kept anywhere).
    hub.offline = false;
    const t1 = Date.now();
    settings['network'] = { mode: 'on' };
    await c.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await eventually('looked up again at once', () => (['library/node:20', 'library/alpine:3.20', 'library/ubuntu:24.04'].every((m) => hub.manifestsAsked(t1).includes(m)) ? true : undefined), 10_000);
    await eventually('reachable', () => (statuses(c).at(-1)?.state === 'ok' ? true : undefined));
  });
});
