// One line per attestation for hovers and CLI text: plain text (the caller escapes it for Markdown). Pure.
import type { AttestationFact, ProvenanceFacts, ScanFacts, VerifiedAttestationFact } from './facts';
import { effectiveSource } from './evaluate';

function short(commit: string): string {
  return commit.length > 12 ? commit.slice(0, 12) : commit;
}

function builtBy(f: ProvenanceFacts, src: { repository?: string; ref?: string; commit?: string } | undefined): string {
  const parts: string[] = [];
  parts.push(`built by ${f.builderId ?? 'an unnamed builder'}`);
  if (src?.repository) parts.push(`from ${src.repository}${src.commit ? `@${short(src.commit)}` : src.ref ? `@${src.ref}` : ''}`);
  if (f.entryPoint) parts.push(`(${f.entryPoint})`);
  return parts.join(' ');
}

function scanLine(f: ScanFacts): string {
  const who = f.scanner?.name ?? f.scanner?.uri ?? 'an unnamed scanner';
  const when = f.scanFinishedOn ?? f.scanStartedOn;
  const c = f.counts;
  const counts = c ? `${c.critical} critical, ${c.high} high, ${c.medium} medium, ${c.low} low${c.unknown ? `, ${c.unknown} unrated` : ''}${f.truncated ? ' (at least)' : ''}` : 'counts not readable';
  return `vulnerability scan by ${who}${when ? ` on ${when}` : ''}: ${counts}`;
}

function signedBy(a: VerifiedAttestationFact): string {
  const s = a.signer;
  const who = s.kind === 'key' ? `key ${s.keyFingerprint.slice(0, 19)}…` : s.identity;
  return `attested by ${who}${a.loggedAt ? `, logged ${a.loggedAt}` : ', not in a transparency log'}`;
}

export function describeAttestation(a: AttestationFact): string {
  switch (a.state) {
    case 'verified': {
      const f = a.facts;
      let what: string;
      if (f.kind === 'slsa-provenance') {
        const eff = effectiveSource(a as VerifiedAttestationFact & { facts: ProvenanceFacts });
        const line = builtBy(f, eff.source);
        what = `${line.charAt(0).toUpperCase()}${line.slice(1)}${eff.conflict ? ` — but ${eff.conflict}` : ''}`;
      } else if (f.kind === 'sbom') what = `${f.format === 'spdx' ? 'SPDX' : 'CycloneDX'} SBOM`;
      else if (f.kind === 'vulnerability-scan') {
        const line = scanLine(f);
        what = `${line.charAt(0).toUpperCase()}${line.slice(1)}`;
      }
      else if (f.kind === 'vex') what = `OpenVEX: ${f.byStatus.notAffected} not affected, ${f.byStatus.affected} affected, ${f.byStatus.fixed} fixed, ${f.byStatus.underInvestigation} under investigation`;
      else what = `Attestation ${a.predicateType}`;
      return `${what}, ${signedBy(a)}`;
    }
    case 'unsigned': {
      const f = a.facts;
      const what = f.kind === 'slsa-provenance' ? builtBy(f, f.source) : f.kind === 'sbom' ? `${f.format === 'spdx' ? 'SPDX' : 'CycloneDX'} SBOM` : a.predicateType;
      return `Unsigned, as the registry serves it (BuildKit attestation): ${what}`;
    }
    case 'invalid':
      return `Attestation${a.predicateTypeHint ? ` (${a.predicateTypeHint})` : ''} failed verification: ${a.reason}`;
    case 'unverifiable':
      return `Attestation${a.predicateTypeHint ? ` (${a.predicateTypeHint})` : ''} not verified: ${a.reason}`;
    case 'not-an-attestation':
      return `Not an attestation: ${a.reason}`;
  }
}
