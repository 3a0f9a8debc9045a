// Docs that run: every example on every docs/rules page goes through the engine and gives the result the page
// claims. An example is one ```Dockerfile block (a whole Dockerfile): under "## Invalid…" the rule reports it,
// under "## Valid" it reports nothing. Facts-phase pages get the registry/trust facts their examples describe
// in their comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../server/src/core/analyze';
import { parseProjectConfig, withProjectConfig } from '../../server/src/config/projectConfig';
import { analysisOptions } from '../../server/src/pipeline/analysis';
import { DEFAULT_ANALYSIS } from '../../server/src/protocol';
import type { Facts } from '../../server/src/core/facts';
import { RULES } from '../../server/src/core/rules';
import { D1, D2, D3, D4, errorFact, okFact, registryFacts } from '../support/registryFacts';
import { imageFacts, invalidFact, signedFact, unsignedFact } from '../support/notary';
import { attestations, buildkitProvenance, provenance, scan } from '../support/attestationFacts';
import { REPO_ROOT } from '../support/paths';

/** A tag answer looked up just now (the examples run at the facts' own time, see FACT_AT). */
const FRESH = '2099-01-01T00:00:00.000Z';

/** The facts each facts-phase page's examples describe (see the comments in the examples). */
const FACTS: Record<string, Facts> = {
  'base-image-pin-unsigned': imageFacts({
    [`corp.example/app:1@${D2}`]: { trust: [signedFact(D1)] },
    [`corp.example/app:1@${D4}`]: { trust: [signedFact(D1, { others: [{ digest: D4, signers: ['Repo Admin'] }] })], policy: { required: true, signers: ['releases'] } },
    [`corp.example/app:1@${D1}`]: { trust: [signedFact(D1)] },
    [`corp.example/app:1@${D3}`]: { trust: [signedFact(D1)], registry: okFact(D1, { platforms: [{ os: 'linux', architecture: 'arm64', digest: D3 }] }) },
  }),
  'base-image-provenance-unverified': imageFacts({
    'corp.example/app:none': { registry: okFact(D1), tagFreshUntil: FRESH, attestations: attestations(D1, { provenance: { status: 'missing', reason: 'no signed SLSA provenance for this image' } }) },
    'corp.example/app:buildkit': {
      registry: okFact(D1, { platforms: [{ os: 'linux', architecture: 'amd64', digest: D3 }] }),
      tagFreshUntil: FRESH,
      attestations: attestations(D1, { items: [buildkitProvenance(D3)], provenance: { status: 'missing', reason: 'no signed SLSA provenance for this image' } }),
    },
    'corp.example/app:repo': {
      registry: okFact(D1),
      tagFreshUntil: FRESH,
      attestations: attestations(D1, { provenance: { status: 'mismatch', failed: 'source', reason: 'built from https://github.com/evil/app, not "https://github.com/acme/app"', attestation: provenance(D1, { repository: 'https://github.com/evil/app' }) } }),
    },
    'corp.example/app:1': { registry: okFact(D1), tagFreshUntil: FRESH, attestations: attestations(D1, { items: [provenance(D1)], provenance: { status: 'satisfied', attestation: provenance(D1) } }) },
    'node:22': { registry: okFact(D2), tagFreshUntil: FRESH },
  }),
  'base-image-scan-stale': imageFacts({
    'corp.example/app:old': { registry: okFact(D1), tagFreshUntil: FRESH, attestations: attestations(D1, { maxAgeDays: 7, scans: { status: 'found', attestation: scan(D1, '2026-10-01T00:00:00.000Z'), scannedAt: '2026-10-01T00:00:00.000Z', dateFrom: 'scan' } }) },
    'corp.example/app:none': { registry: okFact(D1), tagFreshUntil: FRESH, attestations: attestations(D1, { maxAgeDays: 7, scans: { status: 'missing', reason: 'no vulnerability scan signed by a trusted signer' } }) },
    // Three days before the attestation lookup answered (the examples run without a clock: ages are at lookup time).
    'corp.example/app:fresh': { registry: okFact(D1), tagFreshUntil: FRESH, attestations: attestations(D1, { maxAgeDays: 7, scans: { status: 'found', attestation: scan(D1, '2026-11-25T12:00:00.000Z'), scannedAt: '2026-11-25T12:00:00.000Z', dateFrom: 'scan' } }) },
    'node:22': { registry: okFact(D2), tagFreshUntil: FRESH },
  }),
  'base-image-trust-invalid': imageFacts({
    'corp.example/app:1': { trust: [invalidFact('root mismatch', "the server's root is signed by keys the stored root does not know")] },
    'corp.example/app:2': { trust: [signedFact(D1)] },
  }),
  'base-image-unsigned': imageFacts({
    'corp.example/app:1': { trust: [unsignedFact('no trust data for corp.example/app')], policy: { required: true } },
    'corp.example/app:2': { registry: okFact(D1), tagFreshUntil: FRESH, trust: [signedFact(D1)], policy: { required: true } },
    'corp.example/app:4': { registry: okFact(D2), tagFreshUntil: FRESH, trust: [signedFact(D1)], policy: { required: true } },
    'node:22': { trust: [unsignedFact()], policy: { required: false } },
  }),
  'registry-digest-unknown': registryFacts({
    'alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000': okFact(D1, { pinnedDigestKnown: false }),
    [`alpine:3.20@${D1}`]: okFact(D1, { pinnedDigestKnown: true }),
    'alpine:3.20': okFact(D1),
  }),
  'registry-lookup-failed': registryFacts({
    'ghcr.io/acme/private-base:1': errorFact('unauthorized', 'ghcr.io refused access to ghcr.io/acme/private-base:1'),
    'alpine:3.20': okFact(D1),
  }),
  'registry-newer-digest': registryFacts({
    [`node:22@${D1}`]: okFact(D2, { pinnedDigestKnown: true }),
    [`node:22@${D2}`]: okFact(D2, { pinnedDigestKnown: true, platforms: [{ os: 'linux', architecture: 'arm64', digest: D3 }] }),
    [`node:22@${D3}`]: okFact(D2, { pinnedDigestKnown: true, platforms: [{ os: 'linux', architecture: 'arm64', digest: D3 }] }),
    [`node@${D1}`]: okFact(D1, { pinnedDigestKnown: true }),
  }),
  'trust-tag-digest-mismatch': imageFacts({
    'corp.example/app:1': { registry: okFact(D2), trust: [signedFact(D1)] },
    'corp.example/app:2': { registry: okFact(D1), trust: [signedFact(D1)] },
  }),
};

interface Example {
  readonly claim: 'invalid' | 'valid';
  readonly text: string;
  /** The page's project config (a ```yaml block starting `# .dockerfile-trust.yaml`), for the examples after it. */
  readonly config?: string;
  /** 1-based line of the block in the page, for messages. */
  readonly at: number;
}

function examples(page: string): Example[] {
  const out: Example[] = [];
  const lines = page.split('\n');
  let section = '';
  let config: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.startsWith('## ')) section = l.slice(3).trim();
    const yaml = /^```ya?ml\s*$/.test(l);
    if (!yaml && !/^```[Dd]ockerfile\s*$/.test(l)) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j] as string).startsWith('```')) body.push(lines[j++] as string);
    if (yaml) {
      if (/^#\s*\.dockerfile-trust\.ya?ml\s*$/.test(body[0] ?? '')) config = `${body.join('\n')}\n`;
    } else {
      const claim = /^Invalid/.test(section) ? 'invalid' : /^Valid/.test(section) ? 'valid' : null;
      if (claim !== null) out.push({ claim, text: `${body.join('\n')}\n`, at: i + 1, ...(config !== undefined ? { config } : {}) });
    }
    i = j;
  }
  return out;
}

for (const rule of RULES) {
  test(`docs/rules/${rule.id}.md: every example gives the result the page claims`, () => {
    const page = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'rules', `${rule.id}.md`), 'utf8');
    const all = examples(page);
    assert.ok(all.some((e) => e.claim === 'invalid') && all.some((e) => e.claim === 'valid'), 'the page has Invalid and Valid examples');
    for (const e of all) {
      const facts = FACTS[rule.id];
      let settings = DEFAULT_ANALYSIS;
      if (e.config !== undefined) {
        const parsed = parseProjectConfig(e.config, `docs/rules/${rule.id}.md`);
        assert.ok(parsed.ok, `the page's project config parses: ${parsed.ok ? '' : parsed.errors.join('; ')}`);
        settings = withProjectConfig(settings, parsed.config);
      }
      const { model, findings } = analyze(e.text, { ...analysisOptions(settings, facts), rules: [rule] });
      const mine = findings.filter((f) => f.ruleId === rule.id);
      const where = `example at line ${e.at} (${e.claim}):\n${e.text}\nfindings:\n${mine.map((f) => `${f.range.start.line + 1}: ${f.message}`).join('\n')}`;
      assert.ok(model.stages.length > 0, `every example is a whole Dockerfile (with a FROM): ${where}`);
      if (e.claim === 'valid') {
        assert.deepEqual(mine.map((f) => f.message), [], where);
        continue;
      }
      assert.ok(mine.length > 0, `the rule reports the example: ${where}`);
    }
  });
}
