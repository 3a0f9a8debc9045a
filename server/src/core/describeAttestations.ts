// Plain-text descriptions of attestations (provenance, scans, SBOMs, VEX), shared by the hover, the trust details and the
// CLI. The provenance line comes as segments with links, so a Markdown front end can link builder, commit, workflow and log
// entry; every link is built here from checked parts (https only), never taken from the network as written. Pure.
import type { AttestationFact, AttestationsFact, ImageFacts, ProvenanceFacts, ScanFacts, VerifiedAttestationFact } from './facts';
import type { ParsedReference } from './imageRef';
import { provenanceVerdict, scanVerdict, type ProvenanceVerdict, type ScanVerdict } from './provenanceVerdict';
import { printable } from './text';

/** A piece of a line; `href` is a checked https URL. */
export interface Segment {
  readonly text: string;
  readonly href?: string;
}

/** The public Rekor (rekor.sigstore.dev) log ID: entries in it can be looked up on search.sigstore.dev. */
export const PUBLIC_REKOR_LOG_ID = 'c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d';

const SAFE_URL = /^https:\/\/[a-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~%!$&'*+,;=:@/-]*)?$/;
const HEX_COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const SAFE_PATH = /^[A-Za-z0-9._/-]{1,512}$/;

function safeUrl(s: string | undefined): string | undefined {
  return s !== undefined && s.length <= 2048 && SAFE_URL.test(s) && !s.includes('..') ? s : undefined;
}

export function segmentsText(segments: readonly Segment[]): string {
  return segments.map((s) => s.text).join('');
}

function shortCommit(commit: string): string {
  return commit.length > 12 ? commit.slice(0, 12) : commit;
}

/** A link to a commit and to a file at that commit, on the forges whose URL layout is known. */
function forgeLinks(repository: string | undefined, commit: string | undefined, path: string | undefined): { commit?: string; file?: string } {
  const repo = safeUrl(repository);
  if (repo === undefined || commit === undefined || !HEX_COMMIT.test(commit)) return {};
  const host = /^https:\/\/([^/]+)/.exec(repo)?.[1] ?? '';
  const sep = host === 'github.com' ? '' : host === 'gitlab.com' ? '/-' : undefined;
  if (sep === undefined) return {};
  const file = path !== undefined && SAFE_PATH.test(path) && !path.includes('..') ? `${repo}${sep}/blob/${commit}/${path.replace(/^\/+/, '')}` : undefined;
  return { commit: `${repo}${sep}/commit/${commit}`, ...(file !== undefined ? { file } : {}) };
}

function signerName(a: VerifiedAttestationFact): string {
  return a.signer.kind === 'key' ? `key ${a.signer.keyFingerprint.slice(0, 19)}…` : a.signer.identity;
}

/** "Built by <builder> from <repo>@<commit> (<workflow>)": the source the provenance stands for (the certificate's, when keyless). */
function builtBy(f: ProvenanceFacts, src: { repository?: string; ref?: string; commit?: string } | undefined, capital: boolean): Segment[] {
  const out: Segment[] = [{ text: capital ? 'Built by ' : 'built by ' }];
  const builder = f.builderId;
  const builderHref = safeUrl(builder);
  out.push(builder !== undefined ? { text: builder, ...(builderHref !== undefined ? { href: builderHref } : {}) } : { text: 'an unnamed builder' });
  const links = forgeLinks(src?.repository, src?.commit, f.entryPoint);
  if (src?.repository !== undefined) {
    out.push({ text: ' from ' });
    const at = src.commit !== undefined ? `@${shortCommit(src.commit)}` : src.ref !== undefined ? `@${src.ref}` : '';
    out.push({ text: `${src.repository}${at}`, ...(links.commit !== undefined ? { href: links.commit } : {}) });
  }
  if (f.entryPoint !== undefined) out.push({ text: ' (' }, { text: f.entryPoint, ...(links.file !== undefined ? { href: links.file } : {}) }, { text: ')' });
  return out;
}

function attestedBy(a: VerifiedAttestationFact): Segment[] {
  const out: Segment[] = [{ text: `, attested by ${signerName(a)}` }];
  if (a.loggedAt === undefined) return [...out, { text: ', not in a transparency log' }];
  const href = a.logIndex !== undefined && a.logId === PUBLIC_REKOR_LOG_ID && /^[0-9]{1,20}$/.test(a.logIndex) ? `https://search.sigstore.dev/?logIndex=${a.logIndex}` : undefined;
  return [...out, { text: ', logged ' }, { text: a.loggedAt, ...(href !== undefined ? { href } : {}) }];
}

function counts(f: ScanFacts): string {
  const c = f.counts;
  return c ? `${c.critical} critical, ${c.high} high, ${c.medium} medium, ${c.low} low${c.unknown ? `, ${c.unknown} unrated` : ''}${f.truncated ? ' (at least)' : ''}` : 'counts not readable';
}

function scanText(f: ScanFacts, capital: boolean): string {
  const who = f.scanner?.name ?? f.scanner?.uri ?? 'an unnamed scanner';
  const version = f.scanner?.version !== undefined ? ` ${f.scanner.version}` : '';
  const when = f.scanFinishedOn ?? f.scanStartedOn;
  return `${capital ? 'V' : 'v'}ulnerability scan by ${who}${version}${when ? ` on ${when}` : ''}: ${counts(f)}`;
}

/** The segments of one verified attestation's line ("Built by … , attested by …, logged …"). */
export function attestationSegments(a: VerifiedAttestationFact): Segment[] {
  const f = a.facts;
  let what: Segment[];
  if (f.kind === 'slsa-provenance') {
    what = builtBy(f, a.source, true);
    if (a.sourceConflict !== undefined) what.push({ text: ` — but ${a.sourceConflict}` });
  } else if (f.kind === 'sbom') what = [{ text: `${f.format === 'spdx' ? 'SPDX' : 'CycloneDX'} SBOM` }];
  else if (f.kind === 'vulnerability-scan') what = [{ text: scanText(f, true) }];
  else if (f.kind === 'vex') what = [{ text: `OpenVEX: ${f.byStatus.notAffected} not affected, ${f.byStatus.affected} affected, ${f.byStatus.fixed} fixed, ${f.byStatus.underInvestigation} under investigation` }];
  else what = [{ text: `Attestation ${a.predicateType}` }];
  return [...what, ...attestedBy(a)];
}

/** One line per attestation, plain text (the caller escapes it for Markdown). */
export function describeAttestation(a: AttestationFact): string {
  switch (a.state) {
    case 'verified':
      return segmentsText(attestationSegments(a));
    case 'unsigned': {
      const f = a.facts;
      const what = f.kind === 'slsa-provenance' ? segmentsText(builtBy(f, f.source, false)) : f.kind === 'sbom' ? `${f.format === 'spdx' ? 'SPDX' : 'CycloneDX'} SBOM` : a.predicateType;
      return `Unsigned, as the registry serves it (BuildKit attestation${a.subjectPlatform !== undefined ? ` for ${a.subjectPlatform}` : ''}): ${what}`;
    }
    case 'invalid':
      return `Attestation${a.predicateTypeHint ? ` (${a.predicateTypeHint})` : ''} failed verification: ${a.reason}`;
    case 'unverifiable':
      return `Attestation${a.predicateTypeHint ? ` (${a.predicateTypeHint})` : ''} not verified: ${a.reason}`;
    case 'not-an-attestation':
      return `Not an attestation: ${a.reason}`;
  }
}

const ORIGIN_WORDS: Readonly<Record<AttestationFact['origin'], string>> = { referrer: 'OCI referrer', 'legacy-att': 'legacy .att tag', 'buildkit-index': 'image index (BuildKit)' };

export interface AttestationDescription {
  readonly provenance: ProvenanceVerdict;
  readonly scan: ScanVerdict;
  /** The provenance line, when there is a verified one to show (with links). */
  readonly provenanceLine?: readonly Segment[];
  /** Short state for lists: "provenance verified", "provenance unsigned only", … */
  readonly summary: string;
  /** Every line worth showing, plain text: provenance first, then scans, SBOMs, VEX, unsigned and failed items. */
  readonly lines: readonly string[];
  /** Where the signed attestations were looked up. */
  readonly repository?: string;
}

const STATE_WORDS: Readonly<Record<ProvenanceVerdict['state'], string>> = {
  verified: 'provenance verified',
  mismatch: 'provenance does not match the policy',
  untrusted: 'provenance signed by an untrusted signer',
  unsigned: 'unsigned provenance only',
  invalid: 'provenance failed verification',
  missing: 'no provenance',
  unavailable: 'provenance cannot be checked',
  'not-looked-up': 'provenance not looked up',
};

/** Most items worth a line in a hover; the trust details list them all. */
const MAX_LINES = 12;

/** Everything known about an image's attestations, for the digest the build would use. */
export function describeAttestations(ref: ParsedReference, facts: ImageFacts | undefined, now: Date): AttestationDescription {
  const provenance = provenanceVerdict(ref, facts, now);
  const scan = scanVerdict(ref, facts, now);
  const fact: AttestationsFact | undefined = facts?.attestations;
  const lines: string[] = [];
  let provenanceLine: Segment[] | undefined;
  if (provenance.state === 'verified' && provenance.attestation !== undefined) {
    provenanceLine = attestationSegments(provenance.attestation);
    lines.push(`${segmentsText(provenanceLine)} ✓`);
  } else if (provenance.state !== 'not-looked-up') {
    const shown = provenance.attestation !== undefined ? ` (${describeAttestation(provenance.attestation)})` : '';
    lines.push(`Provenance ${provenance.state === 'unavailable' ? 'cannot be checked' : `not verified (${STATE_WORDS[provenance.state]})`}: ${provenance.reason}${shown}`);
  }
  if (fact !== undefined) {
    if (provenance.required && fact.requirements.provenance !== undefined) lines.push(`Policy: provenance required — ${fact.requirements.provenance.summary}`);
    if (scan.attestation !== undefined) {
      const age = scan.ageDays !== undefined ? `, ${Math.floor(scan.ageDays)} day${Math.floor(scan.ageDays) === 1 ? '' : 's'} old` : '';
      lines.push(`${segmentsText(attestationSegments(scan.attestation))}${age}${scan.state === 'stale' ? ` — older than the ${scan.maxAgeDays ?? '?'} days the policy allows` : scan.state === 'fresh' && scan.maxAgeDays !== undefined ? ' ✓' : ''}`);
    } else if (scan.state !== 'not-required') lines.push(`Vulnerability scan: ${scan.reason}`);
    const shownAlready = new Set<AttestationFact>([...(provenance.attestation !== undefined ? [provenance.attestation] : []), ...(scan.attestation !== undefined ? [scan.attestation] : [])]);
    const rest = fact.items.filter((a) => !shownAlready.has(a) && a.state !== 'not-an-attestation' && relevant(a, provenance.digest, facts));
    for (const a of rest.slice(0, MAX_LINES)) {
      const trust = a.state === 'verified' && a.signerTrusted !== true ? ' (signer not trusted by the policy)' : '';
      lines.push(`${describeAttestation(a)}${trust} — ${ORIGIN_WORDS[a.origin]}`);
    }
    if (rest.length > MAX_LINES) lines.push(`… and ${rest.length - MAX_LINES} more attestation(s) (Show Trust Details lists them all)`);
    if (fact.overridden) lines.push(`Signed attestations looked up in ${fact.repository} (the policy's attestation repository)`);
    if (fact.unchecked > 0) lines.push(`${fact.unchecked} attestation(s) not read (over the per-image caps)`);
  }
  return { provenance, scan, ...(provenanceLine !== undefined ? { provenanceLine } : {}), summary: STATE_WORDS[provenance.state], lines, ...(fact !== undefined ? { repository: fact.repository } : {}) };
}

/** Items about the judged digest (or, for unsigned BuildKit ones, its platform manifests); failures have no subject to check. */
function relevant(a: AttestationFact, digest: string | null, facts: ImageFacts | undefined): boolean {
  if (a.state === 'verified') return a.subjectDigest === digest;
  if (a.state === 'unsigned') {
    const r = facts?.registry;
    return a.subjectDigest === digest || (r?.state === 'ok' && r.digest === digest && r.platforms.some((p) => p.digest === a.subjectDigest));
  }
  return true;
}

/** The provenance and scan verdicts as plain data, for the CLI's JSON and SARIF and the inventory. Strings are printable. */
export interface ProvenanceSummary {
  readonly state: ProvenanceVerdict['state'];
  /** True only for a verified provenance (state 'verified'): never about signatures. */
  readonly verified: boolean;
  readonly required: boolean;
  /** One line for people. */
  readonly detail: string;
  readonly builder?: string;
  readonly buildType?: string;
  readonly sourceRepository?: string;
  readonly sourceRef?: string;
  readonly sourceCommit?: string;
  readonly workflow?: string;
  readonly signer?: string;
  readonly issuer?: string;
  readonly loggedAt?: string;
  readonly predicateType?: string;
  readonly foundIn?: AttestationFact['origin'];
  /** Where the signed attestations were looked up (`registry/repository`). */
  readonly repository?: string;
  /** Unsigned BuildKit provenance statements about the digest or its platforms (never counted). */
  readonly unsignedProvenance: number;
  readonly scan?: {
    readonly state: ScanVerdict['state'];
    readonly scanner?: string;
    readonly scannedAt?: string;
    readonly ageDays?: number;
    readonly maxAgeDays?: number;
    readonly counts?: { readonly critical: number; readonly high: number; readonly medium: number; readonly low: number; readonly unknown: number };
  };
}

function opt<K extends string>(key: K, s: string | undefined): Partial<Record<K, string>> {
  return s !== undefined ? ({ [key]: printable(s) } as Partial<Record<K, string>>) : {};
}

export function provenanceSummary(d: AttestationDescription): ProvenanceSummary {
  const v = d.provenance;
  const a = v.attestation;
  const f = a?.facts.kind === 'slsa-provenance' ? a.facts : undefined;
  const src = a?.source ?? f?.source;
  const sc = d.scan;
  const sf = sc.attestation?.facts;
  return {
    state: v.state,
    verified: v.verified,
    required: v.required,
    detail: printable(v.verified && d.provenanceLine !== undefined ? segmentsText(d.provenanceLine) : `${d.summary}${v.reason !== '' ? `: ${v.reason}` : ''}`),
    ...opt('builder', f?.builderId),
    ...opt('buildType', f?.buildType),
    ...opt('sourceRepository', src?.repository),
    ...opt('sourceRef', src?.ref),
    ...opt('sourceCommit', src?.commit),
    ...opt('workflow', f?.entryPoint),
    ...opt('signer', a === undefined ? undefined : a.signer.kind === 'key' ? a.signer.keyFingerprint : a.signer.identity),
    ...opt('issuer', a?.signer.kind === 'keyless' ? a.signer.issuer : undefined),
    ...opt('loggedAt', a?.loggedAt),
    ...opt('predicateType', a?.predicateType),
    ...(a !== undefined ? { foundIn: a.origin } : {}),
    ...opt('repository', d.repository),
    unsignedProvenance: v.unsigned.length,
    ...(sc.state !== 'not-required' || sc.attestation !== undefined
      ? {
          scan: {
            state: sc.state,
            ...opt('scanner', sf?.scanner?.name ?? sf?.scanner?.uri),
            ...opt('scannedAt', sc.scannedAt),
            ...(sc.ageDays !== undefined ? { ageDays: Math.floor(sc.ageDays) } : {}),
            ...(sc.maxAgeDays !== undefined ? { maxAgeDays: sc.maxAgeDays } : {}),
            ...(sf?.counts !== undefined ? { counts: sf.counts } : {}),
          },
        }
      : {}),
  };
}
