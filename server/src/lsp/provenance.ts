// Provenance in the editor's lists and documents: the inventory's provenance column and the trust details' "Provenance and
// attestations" section, from the same verdict as DT405 and the hover (core/provenanceVerdict.ts).
import { describeAttestation, describeAttestations, provenanceSummary, segmentsText } from '../core/describeAttestations';
import type { ImageFacts } from '../core/facts';
import type { ParsedReference } from '../core/imageRef';
import { printable } from '../core/text';
import type { ProvenanceInfo } from '../protocol';

/** The inventory's provenance column: the same verdict as DT405 and the hover. Absent when attestations were not looked up. */
export function provenanceOf(ref: ParsedReference, facts: ImageFacts | undefined, now: Date = new Date()): ProvenanceInfo | undefined {
  if (facts?.attestations === undefined) return undefined;
  const p = provenanceSummary(describeAttestations(ref, facts, now));
  const sc = p.scan;
  const scan = sc === undefined ? undefined : sc.scannedAt !== undefined ? `${sc.scanner ?? 'scan'} ${sc.scannedAt.slice(0, 10)}${sc.ageDays !== undefined ? ` (${sc.ageDays} d)` : ''}${sc.state === 'stale' ? `, older than ${sc.maxAgeDays ?? '?'} d` : ''}` : sc.state;
  return { state: p.state, detail: printable(p.detail, 400), required: p.required, ...(scan !== undefined ? { scan: printable(scan, 200) } : {}) };
}


/** Every attestation found, with the provenance verdict first: the trust details' "Provenance and attestations" section. */
export function attestationMarkdown(ref: ParsedReference, facts: ImageFacts, mdEscape: (s: string) => string): string[] {
  const a = facts.attestations!;
  const d = describeAttestations(ref, facts, new Date());
  const out = ['## Provenance and attestations', ''];
  const verdict = d.provenance.verified && d.provenanceLine !== undefined ? `${segmentsText(d.provenanceLine)} (verified)` : `${d.summary}${d.provenance.reason !== '' ? `: ${d.provenance.reason}` : ''} (not verified)`;
  out.push(`- provenance: ${mdEscape(verdict)}`);
  if (a.requirements.provenance !== undefined) out.push(`- policy: provenance ${a.requirements.provenance.required ? 'required' : 'shown, not required'} — ${mdEscape(a.requirements.provenance.summary)}`);
  if (a.requirements.scans !== undefined) out.push(`- policy: a signed vulnerability scan at most ${a.requirements.scans.maxAgeDays} days old, signed by ${mdEscape(a.requirements.scans.signers)}`);
  if (d.scan.state !== 'not-required') out.push(`- vulnerability scan: ${d.scan.state}${d.scan.reason !== '' ? ` — ${mdEscape(d.scan.reason)}` : ''}`);
  out.push(
    `- digest: ${a.subjectDigest !== null ? `\`${a.subjectDigest}\`` : 'unknown'}`,
    `- looked up in: ${mdEscape(a.repository)}${a.overridden ? " (the policy's attestation repository)" : ''}; ${a.paths.length > 0 ? a.paths.join(', ') : 'nothing answered'}`,
    `- checked at: ${a.verifiedAt}${a.state === 'unavailable' ? ` — incomplete: ${mdEscape(a.reason ?? '')}` : ''}`,
  );
  if (a.unchecked > 0) out.push(`- not read (over the per-image caps): ${a.unchecked}`);
  out.push('');
  if (a.items.length === 0) out.push('No attestations found.');
  else {
    out.push('| state | found in | attestation |', '|---|---|---|');
    for (const item of a.items) {
      const trust = item.state === 'verified' ? (item.signerTrusted === true ? 'verified, trusted signer' : 'verified, signer not trusted by the policy') : item.state === 'unsigned' ? 'UNSIGNED (as the registry serves it)' : item.state;
      out.push(`| ${trust} | ${item.origin} | ${mdEscape(describeAttestation(item))} |`);
    }
  }
  for (const n of a.notes) out.push(`- note: ${mdEscape(n)}`);
  out.push('');
  return out;
}
