// lsp/status.ts: the workspace's one status for lookups — short text, a detail without URLs, a warning (never an
// error) for being offline, and the state the client turns into Retry / Work offline / Go online.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageFacts } from '../../server/src/core/facts';
import { parseReference, type ParsedReference } from '../../server/src/core/imageRef';
import { statusOf, type StatusInput } from '../../server/src/lsp/status';

const ref = (s: string): ParsedReference => parseReference(s) as ParsedReference;
const now = new Date('2026-12-01T12:00:00Z');
const refs = ['node:20', 'alpine:3.20', 'ubuntu:24.04'].map(ref);
const unreachable = (): ImageFacts => ({ registry: { state: 'error', registry: 'registry-1.docker.io', kind: 'unreachable', message: 'cannot reach https://registry-1.docker.io/v2/library/node/manifests/20: host name not found', lookedUpAt: now.toISOString() } });
const ok = (at: string): ImageFacts => ({ registry: { state: 'ok', registry: 'registry-1.docker.io', digest: `sha256:${'a'.repeat(64)}`, mediaType: 'x', isIndex: false, platforms: [], lookedUpAt: at, fromCache: false } });
const input = (o: Partial<StatusInput>): StatusInput => ({ available: true, mode: 'on', unreachable: [], references: refs, peek: () => undefined, now, ...o });

test('offline: one short state for the workspace, a warning with the cause and when it is asked again, no URL', () => {
  const s = statusOf(input({ peek: unreachable, unreachable: [{ host: 'registry-1.docker.io', kind: 'unreachable', cause: 'host name not found', since: now.toISOString(), retryAt: new Date(now.getTime() + 30_000).toISOString() }] }));
  assert.deepEqual(s, {
    state: 'unreachable',
    mode: 'on',
    text: 'Offline',
    detail: 'registry-1.docker.io unreachable · 3 not checked',
    severity: 'warning',
    unreachable: ['registry-1.docker.io'],
    cause: 'registry-1.docker.io: host name not found; asked again in 30 s, or now with Retry',
  });
  assert.ok(`${s.text} – ${s.detail}`.length <= 60, 'one line of the status hover, with room for the action');
});

test('several hosts are counted, not listed, in the text', () => {
  const down = ['registry-1.docker.io', 'ghcr.io'].map((host) => ({ host, kind: 'timeout' as const, cause: `${host} did not answer within 15000 ms`, since: now.toISOString(), retryAt: now.toISOString() }));
  assert.equal(statusOf(input({ unreachable: down })).detail, '2 hosts unreachable · 0 not checked');
});

test('reachable, cache only, off and syntax only each say what they are in a few words', () => {
  const reachable = statusOf(input({ peek: () => ok('2026-12-01T11:57:00Z') }));
  assert.deepEqual([reachable.state, reachable.text, reachable.detail, reachable.severity], ['ok', 'Trust sources reachable', '3 images checked · oldest 3 min old', 'ok']);
  // The trust sources that answered are named (an unavailable answer is not an answer).
  const fact = (source: 'notary' | 'cosign' | 'notation', state: 'unsigned' | 'unavailable'): NonNullable<ImageFacts['trust']>[number] => ({ source, state, subject: { tag: null, digest: null }, reason: 'r', server: 's', verifiedAt: now.toISOString() });
  const withSources = statusOf(input({ peek: (r) => ({ ...ok('2026-12-01T11:57:00Z'), trust: r.repository === 'library/node' ? [fact('notation', 'unsigned'), fact('cosign', 'unavailable')] : [fact('notary', 'unsigned')] }) }));
  assert.equal(withSources.detail, '3 images checked · Notary, Notation · oldest 3 min old');
  const cache = statusOf(input({ mode: 'cacheOnly', peek: (r) => (r.repository === 'library/node' ? ok('2026-11-30T12:00:00Z') : undefined) }));
  assert.deepEqual([cache.state, cache.text, cache.detail, cache.severity], ['cacheOnly', 'Working offline (cache only)', '1 of 3 images in the cache', 'ok']);
  // Hosts found down before the switch are not this mode's state.
  assert.equal(statusOf(input({ mode: 'cacheOnly', unreachable: [{ host: 'h', kind: 'unreachable', cause: 'x', since: '', retryAt: '' }] })).state, 'cacheOnly');
  const off = statusOf(input({ mode: 'off' }));
  assert.deepEqual([off.state, off.text, off.severity], ['off', 'Lookups off', 'ok']);
  assert.equal(statusOf(input({ available: false })).state, 'syntaxOnly');
});

test('a registry that answers with an error about the way there (rate limit) is a state too, not a finding', () => {
  const limited = (): ImageFacts => ({ registry: { state: 'error', registry: 'registry-1.docker.io', kind: 'rate-limited', message: 'registry-1.docker.io is rate-limiting requests', lookedUpAt: now.toISOString() } });
  const s = statusOf(input({ peek: limited }));
  assert.equal(s.state, 'unreachable');
  assert.deepEqual([s.text, s.detail], ['Lookups failing', 'registry-1.docker.io rate-limited · 3 not checked']);
  assert.match(s.cause ?? '', /^registry-1\.docker\.io answered with rate-limited/);
});
