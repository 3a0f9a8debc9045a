// Predicate types and predicates, both ways: what each real predicate yields, and what hostile or malformed fields do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyPredicateType } from '../../../server/src/trust/attestations/predicateTypes';
import { readPredicate } from '../../../server/src/trust/attestations/predicates';
import { normaliseRepository, splitSourceUri } from '../../../server/src/trust/attestations/provenance';
import { severityBucket } from '../../../server/src/trust/attestations/scans';
import { cvss3BaseScore } from '../../../server/src/trust/attestations/cvss';
import type { ProvenanceFacts, ScanFacts, VexFacts } from '../../../server/src/trust/attestations/facts';
import { conformance, distrolessAtt, fixture, NEEDS_CONFORMANCE, statementOf } from './vectors';

test('predicate type URIs: each known spelling, and near misses that are not', () => {
  const yes: Array<[string, string]> = [
    ['https://sigstore.dev/cosign/sign/v1', 'signature'],
    ['https://slsa.dev/provenance/v1', 'slsa-provenance:v1'],
    ['https://slsa.dev/provenance/v0.2', 'slsa-provenance:v0.2'],
    ['https://spdx.dev/Document', 'sbom:spdx'],
    ['https://spdx.dev/Document/v2.3', 'sbom:spdx'],
    ['https://spdx.dev/Document/v3', 'sbom:spdx'],
    ['https://cyclonedx.org/bom', 'sbom:cyclonedx'],
    ['https://cyclonedx.org/bom/v1.6', 'sbom:cyclonedx'],
    ['https://cosign.sigstore.dev/attestation/vuln/v1', 'vulnerability-scan:cosign-vuln'],
    ['cosign.sigstore.dev/attestation/vuln/v1', 'vulnerability-scan:cosign-vuln'],
    ['https://in-toto.io/attestation/vulns/v0.1', 'vulnerability-scan:in-toto-vulns'],
    ['https://in-toto.io/attestation/vulns/v0.2', 'vulnerability-scan:in-toto-vulns'],
    ['https://scout.docker.com/vulnerabilities/v0.1', 'vulnerability-scan:scout-vulns'],
    ['https://openvex.dev/ns', 'vex:openvex'],
    ['https://openvex.dev/ns/v0.2.0', 'vex:openvex'],
  ];
  const no = [
    'https://sigstore.dev/cosign/sign/v1/',
    'http://slsa.dev/provenance/v1',
    'https://slsa.dev/provenance/v1.0',
    'https://slsa.dev/provenance/v0.1',
    'https://slsa.dev/provenance/v1?x',
    'https://spdx.dev/Documents',
    'https://evil.example/https://slsa.dev/provenance/v1',
    'https://cosign.sigstore.dev/attestation/v1',
    'https://scout.docker.com/sbom/v0.1',
    'https://slsa.dev/verification_summary/v1',
    'HTTPS://SLSA.DEV/PROVENANCE/V1',
  ];
  const label = (u: string): string => {
    const c = classifyPredicateType(u);
    return c.kind === 'slsa-provenance' ? `${c.kind}:${c.version}` : 'format' in c ? `${c.kind}:${c.format}` : c.kind;
  };
  for (const [u, want] of yes) assert.equal(label(u), want, u);
  for (const u of no) assert.equal(label(u), 'other', u);
});

function prov(predicateType: string, predicate: unknown): ProvenanceFacts {
  const f = readPredicate(predicateType, predicate);
  assert.equal(f.kind, 'slsa-provenance');
  return f as ProvenanceFacts;
}

test('SLSA v1, GitHub Actions build type (actions/attest-build-provenance, real): source, commit, workflow, builder', NEEDS_CONFORMANCE, () => {
  const st = statementOf(conformance('happy-path-intoto-in-dsse-v3'));
  const f = prov(st.predicateType, st.predicate);
  assert.deepEqual(f, {
    kind: 'slsa-provenance',
    slsaVersion: 'v1',
    buildType: 'https://actions.github.io/buildtypes/workflow/v1',
    buildFamily: 'github-actions',
    builderId: 'https://github.com/loosebazooka/aa-test/.github/workflows/provenance.yaml@refs/heads/main',
    source: { repository: 'https://github.com/loosebazooka/aa-test', ref: 'refs/heads/main', commit: 'ebff8dfbd609b7b22237c7719ce07f2dc7934f5f', from: 'workflow' },
    entryPoint: '.github/workflows/provenance.yaml',
    invocationId: 'https://github.com/loosebazooka/aa-test/actions/runs/11941425487/attempts/1',
    dependencies: [{ uri: 'git+https://github.com/loosebazooka/aa-test@refs/heads/main', digest: 'gitCommit:ebff8dfbd609b7b22237c7719ce07f2dc7934f5f' }],
    dependencyCount: 1,
  });
});

test('SLSA v0.2, npm GitHub build type (real): source from configSource', () => {
  const st = statementOf(fixture('npm-provenance-v02.sigstore.json'));
  const f = prov(st.predicateType, st.predicate);
  assert.equal(f.slsaVersion, 'v0.2');
  assert.equal(f.buildFamily, 'slsa-github-generator');
  assert.equal(f.builderId, 'https://github.com/actions/runner');
  assert.deepEqual(f.source, { repository: 'https://github.com/sigstore/sigstore-js', ref: 'refs/heads/main', commit: 'dae8bd8eb433a4147b4655c00fe73e0f22bc0fb1', from: 'config-source' });
  assert.equal(f.entryPoint, '.github/workflows/release.yml');
});

test('SLSA v0.2, Tekton Chains (real): builder and materials, no source claimed where none is given', () => {
  const env = fixture('tekton-chains-slsa02.dsse.json') as { payload: string };
  const st = JSON.parse(Buffer.from(env.payload, 'base64').toString()) as { predicateType: string; predicate: unknown };
  const f = prov(st.predicateType, st.predicate);
  assert.equal(f.builderId, 'https://tekton.dev/chains/v2');
  assert.equal(f.buildType, 'tekton.dev/v1beta1/TaskRun');
  assert.equal(f.buildFamily, 'other');
  assert.equal(f.source, undefined, 'an empty configSource names no source');
  assert.equal(f.dependencyCount, 0);
  assert.equal(f.startedOn !== undefined, true);
});

test('BuildKit provenance (docs): v1 with only a local context has no source; v0.2 takes the client vcs hint, labelled as such', () => {
  const v1 = fixture('buildkit-v1-min.intoto.json') as { predicateType: string; predicate: unknown };
  const f1 = prov(v1.predicateType, v1.predicate);
  assert.equal(f1.buildFamily, 'buildkit');
  assert.equal(f1.builderId, undefined, 'an empty builder id is no builder id');
  assert.equal(f1.source, undefined);
  assert.equal(f1.entryPoint, 'Dockerfile');
  assert.equal(f1.startedOn, '2022-12-08T11:48:59.466Z');
  assert.deepEqual(f1.dependencies, [{ uri: 'pkg:docker/alpine@latest?platform=linux%2Famd64', digest: 'sha256:8914eb54f968791faf6a8638949e480fef81e697984fba772b3976835194c6d4' }]);
  const v02 = fixture('buildkit-v02-min.intoto.json') as { predicateType: string; predicate: unknown };
  const f2 = prov(v02.predicateType, v02.predicate);
  assert.equal(f2.buildFamily, 'buildkit');
  assert.equal(f2.source?.from, 'buildkit-vcs-hint');
  assert.equal(f2.source?.commit, 'a9ba846486420e07d30db1107411ac3697ecab68');
  assert.equal(f2.invocationId, 'c4a87v0sxhliuewig10gnsb6v');
  // A `-dirty` revision names no commit anyone can check out.
  const dirty = JSON.parse(JSON.stringify(v02.predicate)) as { metadata: Record<string, { vcs: { revision: string; source: string } }> };
  const md = dirty.metadata['https://mobyproject.org/buildkit@v1#metadata'];
  assert.ok(md);
  md.vcs.revision += '-dirty';
  md.vcs.source = 'https://github.com/org/app.git';
  assert.deepEqual(prov(v02.predicateType, dirty).source, { repository: 'https://github.com/org/app', from: 'buildkit-vcs-hint' });
});

test('BuildKit remote git context: configSource carries repository, ref and commit', () => {
  const f = prov('https://slsa.dev/provenance/v1', {
    buildDefinition: {
      buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
      externalParameters: { configSource: { uri: 'https://github.com/moby/buildkit.git#refs/tags/v0.11.0', digest: { sha1: '4b220de5058abfd01ff619c9d2ff6b09a049bea0' }, path: 'Dockerfile' } },
    },
    runDetails: { builder: { id: 'https://github.com/docker/buildx/actions/runs/3709599520' }, metadata: { buildkit_metadata: { vcs: { source: 'https://github.com/evil/other', revision: 'ffffffffffffffffffffffffffffffffffffffff' } } } },
  });
  assert.deepEqual(f.source, { repository: 'https://github.com/moby/buildkit', ref: 'refs/tags/v0.11.0', commit: '4b220de5058abfd01ff619c9d2ff6b09a049bea0', from: 'config-source' });
  assert.equal(f.builderId, 'https://github.com/docker/buildx/actions/runs/3709599520');
});

test('hostile provenance fields are dropped, never truncated or thrown on', () => {
  const bidi = 'https://github.com/org/app\u202egnp.exe';
  const f = prov('https://slsa.dev/provenance/v1', {
    buildDefinition: {
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      externalParameters: { workflow: { repository: bidi, ref: 'refs/heads/main\n[click](x)', path: 7 } },
      resolvedDependencies: [{ uri: 'x'.repeat(5000) }, null, 5, { uri: 'git+https://github.com/org/app@refs/heads/main', digest: { gitCommit: 'nothex' } }],
    },
    runDetails: { builder: { id: ['array'] }, metadata: { startedOn: '2022-13-45T99:99:99Z', finishedOn: 'yesterday' } },
  });
  assert.equal(f.builderId, undefined);
  // The workflow's repository and ref are dropped; the one well-formed git dependency remains, labelled as such.
  assert.deepEqual(f.source, { repository: 'https://github.com/org/app', ref: 'refs/heads/main', from: 'resolved-dependency' });
  assert.equal(f.entryPoint, undefined);
  assert.equal(f.startedOn, undefined);
  assert.equal(f.finishedOn, undefined);
  assert.equal(f.dependencyCount, 4);
  assert.deepEqual(f.dependencies, [{ uri: 'git+https://github.com/org/app@refs/heads/main' }]);
  for (const junk of [undefined, null, 1, 'x', [], { buildDefinition: [] }, { runDetails: { builder: null } }]) {
    assert.equal(readPredicate('https://slsa.dev/provenance/v1', junk).kind, 'slsa-provenance');
    assert.equal(readPredicate('https://slsa.dev/provenance/v0.2', junk).kind, 'slsa-provenance');
  }
  // A prototype-polluting key is just data.
  const polluted = JSON.parse('{"__proto__":{"builder":{"id":"https://evil"}},"buildType":"x"}');
  assert.equal(prov('https://slsa.dev/provenance/v0.2', polluted).builderId, undefined);
});

test('repository URLs: one spelling for comparison', () => {
  const same = ['https://github.com/Org/App', 'https://github.com/org/app.git', 'git+https://github.com/org/app', 'https://GitHub.com/org/app/', 'git@github.com:org/app.git', 'ssh://git@github.com/org/app'];
  for (const s of same) assert.equal(normaliseRepository(s), 'https://github.com/org/app', s);
  assert.equal(normaliseRepository('https://gitea.example/Org/App'), 'https://gitea.example/Org/App', 'other hosts keep their case');
  for (const bad of ['github.com/org/app', 'https://github.com', 'file:///etc/passwd', 'https://github.com/org/app?x=1', 'javascript:alert(1)']) assert.equal(normaliseRepository(bad), undefined, bad);
  assert.deepEqual(splitSourceUri('git+https://github.com/org/app@refs/tags/v1@x'), { repository: 'https://github.com/org/app', ref: 'refs/tags/v1@x' });
  assert.deepEqual(splitSourceUri('https://github.com/org/app.git#main'), { repository: 'https://github.com/org/app', ref: 'main' });
  assert.deepEqual(splitSourceUri('git+https://user@github.com/org/app@refs/heads/x'), { repository: 'https://github.com/org/app', ref: 'refs/heads/x' });
});

function scan(predicateType: string, predicate: unknown): ScanFacts {
  const f = readPredicate(predicateType, predicate);
  assert.equal(f.kind, 'vulnerability-scan');
  return f as ScanFacts;
}

test('cosign vuln with a Trivy SARIF result (distroless, real): scanner, dates, zero findings', () => {
  const att = distrolessAtt();
  const env = JSON.parse(Buffer.from(att.envelope).toString()) as { payload: string };
  const st = JSON.parse(Buffer.from(env.payload, 'base64').toString()) as { predicateType: string; predicate: unknown };
  const f = scan(st.predicateType, st.predicate);
  assert.deepEqual(f, {
    kind: 'vulnerability-scan',
    format: 'cosign-vuln',
    scanner: { uri: 'https://github.com/aquasecurity/trivy', name: 'trivy', version: '0.29.2' },
    scanStartedOn: '2022-07-29T02:28:42.000Z',
    scanFinishedOn: '2022-07-29T02:28:48.000Z',
    resultFormat: 'sarif',
    counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 },
  });
});

test('in-toto vulns v0.2 from osv-scanner (real): CVSS vectors scored, findings without severity unknown', () => {
  const st = fixture('osv-vulns-v02.intoto.json') as { predicateType: string; predicate: unknown };
  const f = scan(st.predicateType, st.predicate);
  assert.equal(f.format, 'in-toto-vulns');
  assert.equal(f.resultFormat, 'in-toto');
  assert.deepEqual(f.counts, { critical: 1, high: 0, medium: 0, low: 0, unknown: 7 });
  assert.equal(f.scanner?.uri, 'osv.dev');
  assert.equal(f.scanFinishedOn, '2022-11-21T17:45:50.520Z');
});

test('Trivy JSON, Grype JSON, SARIF rule tags and scores, Scout, in-toto v0.1 nesting: counted by severity', () => {
  const trivy = scan('https://cosign.sigstore.dev/attestation/vuln/v1', {
    scanner: { uri: 'pkg:github/aquasecurity/trivy@244fd47', version: '0.19.2', result: { Results: [{ Vulnerabilities: [{ Severity: 'HIGH' }, { Severity: 'HIGH' }, { Severity: 'CRITICAL' }, { Severity: 'UNKNOWN' }] }, { Vulnerabilities: [{ Severity: 'LOW' }] }] } },
    metadata: { scanStartedOn: '2021-08-06T17:45:50.52Z', scanFinishedOn: '2021-08-06T17:50:50.52Z' },
  });
  assert.equal(trivy.resultFormat, 'trivy-json');
  assert.deepEqual(trivy.counts, { critical: 1, high: 2, medium: 0, low: 1, unknown: 1 });
  assert.equal(trivy.scanner?.name, 'trivy');
  const grype = scan('https://cosign.sigstore.dev/attestation/vuln/v1', { scanners: [{ uri: 'https://github.com/anchore/grype', result: { matches: [{ vulnerability: { severity: 'Medium' } }, { vulnerability: { severity: 'Negligible' } }] } }] });
  assert.equal(grype.resultFormat, 'grype-json');
  assert.deepEqual(grype.counts, { critical: 0, high: 0, medium: 1, low: 1, unknown: 0 });
  const sarif = scan('https://cosign.sigstore.dev/attestation/vuln/v1', {
    scanner: {
      result: {
        version: '2.1.0',
        runs: [
          {
            tool: { driver: { name: 'Trivy', rules: [{ id: 'CVE-1', properties: { tags: ['vulnerability', 'security', 'CRITICAL'] } }, { id: 'CVE-2', properties: { 'security-severity': '5.3' } }, { id: 'CVE-3' }] } },
            results: [{ ruleId: 'CVE-1', level: 'error' }, { ruleIndex: 1 }, { ruleId: 'CVE-3', level: 'error' }, { ruleId: 'nope' }],
          },
        ],
      },
    },
  });
  assert.deepEqual(sarif.counts, { critical: 1, high: 0, medium: 1, low: 0, unknown: 2 });
  const scout = scan('https://scout.docker.com/vulnerabilities/v0.1', [{ purl: 'pkg:deb/x', vulnerabilities: [{ source_id: 'CVE-1', cvss: { severity: 'HIGH', score: 8.1 } }, { cvss: { score: 9.8 } }] }]);
  assert.deepEqual(scout.counts, { critical: 1, high: 1, medium: 0, low: 0, unknown: 0 });
  const v01 = scan('https://in-toto.io/attestation/vulns/v0.1', { scanner: { uri: 'x', result: [{ vulnerability: { id: 'CVE-1', severity: [{ method: 'nvd', score: 'medium' }, { method: 'cvss_score', score: '9.1' }] } }] } });
  assert.deepEqual(v01.counts, { critical: 1, high: 0, medium: 0, low: 0, unknown: 0 }, 'the worst of several scores');
  // No result at all is not "zero findings".
  assert.equal(scan('https://cosign.sigstore.dev/attestation/vuln/v1', { scanner: { uri: 'x' } }).counts, undefined);
  assert.equal(scan('https://cosign.sigstore.dev/attestation/vuln/v1', { scanner: { result: { foo: 1 } } }).resultFormat, 'unrecognised');
  assert.equal(scan('https://scout.docker.com/vulnerabilities/v0.1', { not: 'a list' }).counts, undefined);
});

test('huge result lists are walked only up to the cap and marked', () => {
  const vulns = Array.from({ length: 250_000 }, () => ({ Severity: 'LOW' }));
  const f = scan('https://cosign.sigstore.dev/attestation/vuln/v1', { scanner: { result: { Results: [{ Vulnerabilities: vulns }] } } });
  assert.equal(f.truncated, true);
  assert.equal(f.counts?.low, 200_000);
});

test('severity words, scores and CVSS 3 vectors', () => {
  const table: Array<[unknown, string]> = [
    ['CRITICAL', 'critical'],
    ['Important', 'high'],
    ['moderate', 'medium'],
    ['negligible', 'low'],
    ['none', 'unknown'],
    [9.0, 'critical'],
    [8.99, 'high'],
    ['4.0', 'medium'],
    [0, 'unknown'],
    [11, 'unknown'],
    [Number.NaN, 'unknown'],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H', 'critical'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 'high'],
    ['CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N', 'low'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 'unknown'],
    ['CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 'unknown'],
    [{ score: 9 }, 'unknown'],
  ];
  for (const [v, want] of table) assert.equal(severityBucket(v), want, String(v));
  // FIRST's own examples: CVE-2021-44228 (Log4Shell) 10.0, CVE-2014-0160 (Heartbleed) 7.5, CVE-2013-1937 6.1.
  assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H'), 10);
  assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N'), 7.5);
  assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N'), 6.1);
  assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N'), 0);
});

test('OpenVEX (real document): statements by status, author, date', () => {
  const doc = fixture('openvex-not-affected.json');
  const f = readPredicate('https://openvex.dev/ns/v0.2.0', doc) as VexFacts;
  assert.deepEqual(f, {
    kind: 'vex',
    format: 'openvex',
    author: 'Wolfi J. Inkinson',
    timestamp: '2023-01-10T03:23:03.579Z',
    statements: 1,
    byStatus: { notAffected: 1, affected: 0, fixed: 0, underInvestigation: 0, other: 0 },
  });
  const junk = readPredicate('https://openvex.dev/ns', { statements: [{ status: 'affected' }, { status: 'AFFECTED' }, null], author: 5 }) as VexFacts;
  assert.deepEqual(junk.byStatus, { notAffected: 0, affected: 1, fixed: 0, underInvestigation: 0, other: 2 });
  assert.equal(junk.author, undefined);
});

test('SBOMs are recorded as present, never parsed; unknown predicates as other', () => {
  assert.deepEqual(readPredicate('https://spdx.dev/Document', { huge: 'x'.repeat(10) }), { kind: 'sbom', format: 'spdx' });
  assert.deepEqual(readPredicate('https://cyclonedx.org/bom/v1.5', null), { kind: 'sbom', format: 'cyclonedx' });
  assert.deepEqual(readPredicate('https://scout.docker.com/health/v0.1', { grade: 'A' }), { kind: 'other' });
  assert.deepEqual(readPredicate('https://sigstore.dev/cosign/sign/v1', {}), { kind: 'other' });
});
