// Every sentence a person reads, walked through the situations of a real day: every rule's messages, every hover and
// every inventory line, online, offline, from the cache, verified, unsigned and with an ARG left unresolved. What
// each says must be true in that situation: no promise of a fix that is not offered, no per-image network failure,
// no "verified" that is not, no raw request URL, no "unknown" where it means offline; and the ignore comment each
// finding offers really silences exactly that finding. A rule that no row reaches fails the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type AnalysisResult } from '../../server/src/core/analyze';
import type { Facts, ImageFacts, RegistryFact } from '../../server/src/core/facts';
import { applyEdits } from '../../server/src/core/fixAll';
import { ignoreEdit } from '../../server/src/core/ignore';
import type { ParsedReference } from '../../server/src/core/imageRef';
import { RULES } from '../../server/src/core/rules';
import type { Finding } from '../../server/src/core/types';
import { codeActions } from '../../server/src/lsp/codeActions';
import { toDiagnostic } from '../../server/src/lsp/convert';
import { hoverAt } from '../../server/src/lsp/hover';
import { describeUse, isExternal } from '../../server/src/lsp/inventory';
import { noDigestReason } from '../../server/src/lsp/pinActions';
import { analysisOptions } from '../../server/src/pipeline/analysis';
import { DEFAULT_ANALYSIS, type AnalysisSettings, type NetworkMode } from '../../server/src/protocol';
import type { ImageLookup } from '../../server/src/trust/service';
import { invalidFact, signedFact, unavailableFact, unsignedFact } from '../support/notary';
import { attestations, scan } from '../support/attestationFacts';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;
const NOW = new Date('2026-12-01T12:00:00.000Z');
const AT = '2026-12-01T11:59:00.000Z';
const FRESH = '2026-12-01T12:30:00.000Z';

type SituationName = 'online' | 'offline' | 'cached' | 'verified' | 'unsigned' | 'unresolved ARG';
const SITUATIONS: readonly SituationName[] = ['online', 'offline', 'cached', 'verified', 'unsigned', 'unresolved ARG'];

/** The images whose facts differ from the situation's rule (by repository). */
const last = (ref: ParsedReference): string => ref.repository.split('/').pop() ?? '';
const governed = (ref: ParsedReference): boolean => ref.registry === 'corp.example' && ['app', 'tampered'].includes(last(ref));

function registry(ref: ParsedReference, over: Partial<Extract<RegistryFact, { state: 'ok' }>> = {}): RegistryFact {
  const known = ref.digest === null ? {} : { pinnedDigestKnown: last(ref) !== 'gone' };
  return { state: 'ok', registry: ref.registry === 'docker.io' ? 'registry-1.docker.io' : ref.registry, digest: last(ref) === 'mismatch' ? D2 : D1, mediaType: 'application/vnd.oci.image.index.v1+json', isIndex: true, platforms: [], lookedUpAt: AT, fromCache: false, ...known, ...over };
}

function factsFor(s: SituationName, ref: ParsedReference): ImageFacts | undefined {
  const subject = { tag: ref.effectiveTag, digest: ref.tag === null ? ref.digest : null };
  const policy = governed(ref) ? { policy: { required: true } } : {};
  const corp = ref.registry === 'corp.example';
  switch (s) {
    case 'online':
    case 'unresolved ARG':
      if (last(ref) === 'private') return { registry: { state: 'error', registry: 'ghcr.io', kind: 'unauthorized', message: 'ghcr.io refused access to ghcr.io/acme/private:1: log in with docker login or configure a credential helper', lookedUpAt: AT } };
      return { registry: registry(ref), ...(ref.digest === null ? { tagFreshUntil: FRESH } : {}) };
    case 'offline': {
      const host = ref.registry === 'docker.io' ? 'registry-1.docker.io' : ref.registry;
      const r: RegistryFact = { state: 'error', registry: host, kind: 'unreachable', message: `cannot reach https://${host}/v2/${ref.repository}/manifests/${ref.tag ?? 'latest'}: host name not found`, lookedUpAt: AT };
      return { registry: r, ...(corp ? { trust: [{ ...unavailableFact(`cannot reach https://notary.example/v2/${ref.name}/_trust/tuf/root.json: host name not found`), subject }] } : {}), ...policy };
    }
    case 'cached':
      return { registry: registry(ref, { fromCache: true, lookedUpAt: '2026-11-20T12:00:00.000Z' }), ...(corp ? { trust: [signedFact(D1, { subject })] } : {}), ...policy };
    case 'verified':
    case 'unsigned': {
      const trust = !corp ? [] : last(ref) === 'tampered' ? [invalidFact('root mismatch', "the server's root is signed by keys the stored root does not know")] : s === 'verified' ? [signedFact(D1, { subject })] : [unsignedFact(`no trust data for ${ref.name}`, subject)];
      return { registry: registry(ref), ...(ref.digest === null ? { tagFreshUntil: FRESH } : {}), ...(trust.length > 0 ? { trust } : {}), ...policy };
    }
  }
}

/** Attestations where the policy asks for them: a missing provenance (`built`) and an old signed scan (`scanned`). */
function withAttestations(s: SituationName, ref: ParsedReference, f: ImageFacts | undefined): ImageFacts | undefined {
  if (f === undefined || s === 'offline' || ref.registry !== 'corp.example') return f;
  if (last(ref) === 'built') return { ...f, attestations: attestations(D1, { provenance: { status: 'missing', reason: 'no signed SLSA provenance for this image' } }) };
  if (last(ref) === 'scanned') return { ...f, attestations: attestations(D1, { maxAgeDays: 7, scans: { status: 'found', attestation: scan(D1, '2026-10-01T00:00:00.000Z'), scannedAt: '2026-10-01T00:00:00.000Z', dateFrom: 'scan' } }) };
  return f;
}

function situationFacts(s: SituationName): Facts {
  return { get: (ref) => withAttestations(s, ref, factsFor(s, ref)), now: NOW };
}

const ROWS: readonly { readonly name: string; readonly text: string }[] = [
  {
    name: 'base images',
    text: [
      '# syntax=docker/dockerfile:1.7',
      'ARG TAG',
      'ARG BASE',
      'FROM corp.example/app:1 AS tagged',
      'FROM alpine AS latest',
      'FROM corp.example/app:${TAG} AS byarg',
      'FROM ${BASE} AS unresolved',
      `FROM corp.example/app:1@${D2} AS pinned`,
      `FROM corp.example/gone:1@${D3} AS gone`,
      `FROM corp.example/moved:1@${D3} AS moved`,
      'FROM ghcr.io/acme/private:1 AS private',
      'FROM forbidden.example/x:1 AS forbidden',
      'FROM corp.example/tampered:1 AS tampered',
      'FROM corp.example/mismatch:1 AS mismatch',
      'FROM corp.example/built:1 AS built',
      'FROM corp.example/scanned:1 AS scanned',
      'FROM node:20 AS a',
      'FROM node:20 AS b',
      'COPY --from=node:20 /x /y',
      'FROM scratch',
      'COPY --from=templates /x /y',
      '',
    ].join('\n'),
  },
  { name: 'malformed references', text: 'FROM alpine@sha256:abc123 AS a\nFROM ghcr.io/Acme/tool:1 AS b\n' },
  {
    name: 'downloads',
    text: [
      'FROM debian:12',
      'RUN curl -fsSLo /tmp/app.tgz https://example.com/app-1.2.tgz && tar -xzf /tmp/app.tgz',
      'RUN curl -fsSL https://get.example.com/install.sh | bash -s -- --version 1.2 -y',
      `RUN curl -fsSLo /tmp/tool.tgz http://example.com/tool.tgz && echo "${'a'.repeat(64)}  /tmp/tool.tgz" | sha256sum -c - && tar xzf /tmp/tool.tgz`,
      'RUN wget -qO /tmp/x.tgz http://example.com/x.tgz && tar xzf /tmp/x.tgz',
      'RUN curl -fsSL https://example.com/key.gpg | apt-key add -',
      'RUN echo "deb [trusted=yes] https://apt.example.com ./" > /etc/apt/sources.list.d/x.list',
      'ADD https://example.com/tool-1.2.tgz /tmp/',
      'RUN git clone -b v1.2 https://github.com/o/r && make -C r',
      'ADD https://github.com/opencontainers/runc.git#v1.4.3 /src',
      `RUN ${'{ '.repeat(70)}curl -fsSL https://get.example.com/i.sh | sh; ${'} '.repeat(70)}`,
      '',
    ].join('\n'),
  },
];

function settingsFor(s: SituationName): AnalysisSettings {
  return { ...DEFAULT_ANALYSIS, buildArgs: s === 'unresolved ARG' ? {} : { TAG: '1' }, allowedRegistries: ['docker.io', 'corp.example', 'ghcr.io'] };
}

function run(text: string, s: SituationName): AnalysisResult {
  return analyze(text, analysisOptions(settingsFor(s), situationFacts(s)));
}

/** The lookup the editor would have in this situation: the facts, read without I/O. */
function lookupOf(s: SituationName): ImageLookup {
  const f = situationFacts(s);
  return { peek: (r) => f.get(r), fresh: () => true, lookup: async (r) => f.get(r) ?? {}, refresh: () => undefined };
}

const NETWORK: NetworkMode = 'on';

function actionsFor(doc: TextDocument, result: AnalysisResult, f: Finding, s: SituationName): { title: string; disabled?: { reason: string } }[] {
  const d = toDiagnostic(f, '/docs');
  const lookup = lookupOf(s);
  return codeActions(
    { textDocument: { uri: doc.uri }, range: f.range, context: { diagnostics: [d] } },
    {
      doc,
      result,
      settings: settingsFor(s),
      lookup,
      canChecksum: true,
      pins: { checksum: async () => ({ ok: false, message: 'not in tests' }), gitRef: async () => ({ ok: false, message: 'not in tests' }) },
      network: NETWORK,
      whyNoDigest: (ref) => noDigestReason(ref, lookup.peek(ref), NETWORK, false),
      disabledSupport: true,
      ruleDocs: true,
    },
  );
}

const WRONG_WORDS = /\bundefined\b|\bnull\b|\bNaN\b|\[object /;
const REQUEST_URL = /https?:\/\/[^\s]*\/(?:v2|_trust)\//;

/** Sentence checks every message must pass, in any situation. */
function sentenceProblems(m: string): string[] {
  const out: string[] = [];
  if (WRONG_WORDS.test(m)) out.push('a placeholder leaked (undefined/null/NaN/[object])');
  if (REQUEST_URL.test(m)) out.push('a request URL (registry or trust server path) instead of the host');
  // Commands quoted in the remedy keep their own spacing (`echo "<sha256>  file" | sha256sum -c -`).
  if (/ {2}/.test(m.replace(/"[^"]*"/g, '"…"'))) out.push('doubled spaces');
  if (/[^.]\.\.(?!\.)/.test(m)) out.push('doubled full stop');
  if (!/[.)]$/.test(m)) out.push('does not end a sentence');
  if (!/\. \S/.test(m)) out.push('one sentence only: what is wrong, and what to do, are two');
  if (m.length > 1500) out.push(`too long (${m.length})`);
  if (/retried later/i.test(m)) out.push('promises a retry nobody schedules');
  return out;
}

interface Seen {
  readonly situation: SituationName;
  readonly row: string;
  readonly f: Finding;
}

test('message table: every rule, in every situation, says what is true', () => {
  const problems: string[] = [];
  const reached = new Map<string, Set<SituationName>>();
  const seen: Seen[] = [];
  for (const s of SITUATIONS) {
    for (const row of ROWS) {
      const result = run(row.text, s);
      const doc = TextDocument.create(`file:///table/${row.name.replace(/ /g, '-')}/Dockerfile`, 'dockerfile', 1, row.text);
      const lines = row.text.split('\n');
      for (const f of result.findings) {
        seen.push({ situation: s, row: row.name, f });
        (reached.get(f.ruleId) ?? reached.set(f.ruleId, new Set()).get(f.ruleId)!).add(s);
        const where = `${s} / ${row.name} / ${f.code} line ${f.range.start.line + 1} (${lines[f.range.start.line]?.trim()})`;
        for (const p of sentenceProblems(f.message)) problems.push(`${where}: ${p}: ${f.message}`);
        // A message that names a quick fix: the fix is offered, enabled, in this situation.
        const actions = actionsFor(doc, result, f, s);
        if (/quick fix/i.test(f.message)) {
          const real = actions.filter((a) => a.disabled === undefined && !/^(Ignore|Show documentation)/.test(a.title));
          if (real.length === 0) problems.push(`${where}: promises a quick fix, and none is offered: ${f.message}`);
        }
        // Every finding can be ignored on its line or says why not; every finding has its documentation.
        if (!actions.some((a) => a.title === `Show documentation for ${f.code} (${f.ruleId})`)) problems.push(`${where}: no "Show documentation" action`);
        const ignore = actions.find((a) => a.title === `Ignore ${f.code} (${f.ruleId}) on this line`);
        if (ignore === undefined) problems.push(`${where}: no "Ignore" action, enabled or disabled`);
        else if (ignore.disabled !== undefined && f.enforced !== true && f.range.start.line !== 0) problems.push(`${where}: ignore disabled for a finding that can be ignored: ${ignore.disabled.reason}`);
        // Offline, nothing is said per image about the network: that is the workspace's state.
        if (s === 'offline' && /unreachable|not reachable|cannot reach|lookup .*failed/i.test(f.message) && f.ruleId !== 'base-image-unsigned') {
          problems.push(`${where}: a network failure as a finding on the image: ${f.message}`);
        }
        // A tag answer from the cache never vouches for a signature; a signed image is never called unsigned.
        if (s === 'cached' && /\bis signed by\b/.test(f.message) && !/Cannot confirm/.test(f.message)) problems.push(`${where}: claims a signature from a cached answer: ${f.message}`);
        if (s === 'verified' && /AS tagged$/.test(lines[f.range.start.line] ?? '') && f.code !== 'DT101') problems.push(`${where}: the verified image is reported: ${f.message}`);
      }
    }
  }
  const missing = RULES.filter((r) => !reached.has(r.id)).map((r) => r.id);
  assert.deepEqual(missing, [], `rules no row of the table reaches (add a row that makes them report): ${missing.join(', ')}`);
  assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  // The situations differ where they should: no DT303 for a network failure, one for the refused image.
  const dt303 = (s: SituationName): number => seen.filter((x) => x.situation === s && x.f.code === 'DT303').length;
  assert.equal(dt303('offline'), 0);
  assert.equal(dt303('online'), 1);
  assert.ok(seen.some((x) => x.situation === 'unresolved ARG' && x.f.code === 'DT104' && /\$TAG/.test(x.f.message)));
  assert.ok(seen.some((x) => x.situation === 'unsigned' && x.f.code === 'DT401'));
  assert.ok(seen.some((x) => x.situation === 'cached' && x.f.code === 'DT401' && /^Cannot confirm/.test(x.f.message)));
  // An http:// download that a pinned checksum checks is not "unnoticed"; one nothing checks is.
  const http = seen.filter((x) => x.situation === 'online' && x.f.code === 'DT203');
  assert.match(http.find((x) => x.f.message.includes('tool.tgz'))?.f.message ?? '', /It is checked afterwards \(sha256sum -c\), so a replaced file fails the build/);
  assert.match(http.find((x) => x.f.message.includes('x.tgz'))?.f.message ?? '', /nothing in the build would notice/);
  // The curl | bash remedy runs the checked file with the same interpreter and arguments.
  assert.match(seen.find((x) => x.f.code === 'DT202')?.f.message ?? '', /&& bash \/tmp\/install\.sh --version 1\.2 -y\.$/);
  console.log(`# message table: ${seen.length} findings of ${reached.size} rules over ${SITUATIONS.length} situations × ${ROWS.length} files`);
});

test('message table: ignoring a finding on its line silences exactly that finding', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const s of SITUATIONS) {
    for (const row of ROWS) {
      const result = run(row.text, s);
      const key = (f: Finding): string => `${f.code}|${f.message}`;
      for (const f of result.findings) {
        const e = ignoreEdit(result.model, f);
        if (!e.ok) {
          // Only what the policy enforces, or what sits on a parser directive, cannot be ignored.
          if (f.enforced !== true && f.range.start.line !== 0) problems.push(`${s} / ${row.name} / ${f.code}: ${e.reason}`);
          continue;
        }
        checked++;
        const after = run(applyEdits(row.text, [e.edit]), s);
        const before = result.findings.map(key).sort();
        const want = [...before];
        want.splice(want.indexOf(key(f)), 1);
        const got = after.findings.map(key).sort();
        if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${s} / ${row.name} / ${f.code} line ${f.range.start.line + 1}: after the ignore comment: ${JSON.stringify(got.filter((k) => !want.includes(k)))} appeared, ${JSON.stringify(want.filter((k) => !got.includes(k)))} went`);
      }
    }
  }
  assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  assert.ok(checked > 60, `${checked} ignore edits checked`);
});

test('hovers and inventory lines: true in every situation', () => {
  const problems: string[] = [];
  for (const s of SITUATIONS) {
    const lookup = lookupOf(s);
    for (const row of ROWS) {
      const result = run(row.text, s);
      for (const use of result.model.images) {
        const where = `${s} / ${row.name} / ${use.text}`;
        const hover = hoverAt(result.model, use.range.start, lookup, NOW, { mode: 'on', changing: new Set() });
        const text = hover === null ? '' : (hover.contents as { value: string }).value;
        const info = describeUse(use, isExternal(use) ? lookup.peek(use.ref) : undefined, NOW);
        if (WRONG_WORDS.test(text)) problems.push(`${where}: hover leaks a placeholder: ${text}`);
        if (REQUEST_URL.test(text)) problems.push(`${where}: hover shows a request URL: ${text}`);
        if (WRONG_WORDS.test(info.signatureDetail)) problems.push(`${where}: inventory leaks a placeholder: ${info.signatureDetail}`);
        const verified = text.includes('✓');
        if (verified && s !== 'verified') problems.push(`${where}: ✓ in the ${s} situation: ${text}`);
        if (use.kind === 'unresolved') {
          if (!/cannot be resolved/.test(text)) problems.push(`${where}: hover does not say it cannot be resolved: ${text}`);
          if (info.signature !== 'unresolved' || /pinned/.test(info.signatureDetail)) problems.push(`${where}: inventory says ${info.signature} / ${info.signatureDetail}`);
          continue;
        }
        if (!isExternal(use)) continue;
        if (s === 'offline') {
          if (info.signature !== 'offline') problems.push(`${where}: inventory says "${info.signature}" offline (${info.signatureDetail})`);
          if ((text.match(/not reachable/g) ?? []).length !== 1) problems.push(`${where}: the hover should say "not reachable" once: ${text}`);
        }
        if (s === 'online' && use.ref.registry === 'docker.io' && !/registry digest \(not signature-verified\)/.test(text)) problems.push(`${where}: online hover: ${text}`);
        if (s === 'verified' && /AS tagged/.test(result.model.lines[use.line] ?? '') && (!verified || info.signature !== 'signed')) problems.push(`${where}: the verified image is not shown verified: ${text} / ${info.signature}`);
        if (s === 'unsigned' && governed(use.ref) && last(use.ref) === 'app' && use.ref.digest === null && info.signature !== 'unsigned') problems.push(`${where}: unsigned shown as ${info.signature}`);
      }
    }
  }
  assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
});
