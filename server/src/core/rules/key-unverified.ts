// key-unverified: a signing key trusted without checking its fingerprint (apt-key add, gpg --dearmor of a fetched key, short key ids).
import { analyzeDownloads } from '../downloads';
import { describe, notesText, weakText } from '../downloads/messages';
import type { Rule } from '../rule';

export const keyUnverified: Rule = {
  id: 'key-unverified',
  code: 'DT204',
  category: 'download',
  defaultSeverity: 'warning',
  description: 'Signing key fetched and trusted without a fingerprint check',
  fix: 'unsafe',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    const a = analyzeDownloads(ctx.model);
    for (const d of a.downloads) {
      if (d.status !== 'unverified' || d.kind !== 'key') continue;
      ctx.report({
        range: d.range,
        anchorLine: d.instruction.startLine,
        message:
          `Signing key from ${describe(d)} is trusted without checking its fingerprint.${notesText(d)}${weakText(d)} ` +
          (d.tool === 'ADD'
            ? `Pin the key file with ADD --checksum=sha256:<the file's SHA-256>, or import it into a throwaway keyring and export only the pinned fingerprint (gpg --import key.asc && gpg --export <40-hex fingerprint> > /usr/share/keyrings/x.gpg).`
            : `Import it into a throwaway keyring and export only the pinned fingerprint (gpg --import key.asc && gpg --export <40-hex fingerprint> > /usr/share/keyrings/x.gpg), or check the key file against a pinned SHA-256, then reference it with [signed-by=…].`),
        // A key added with ADD gets the same quick fix as any ADD: --checksum from one download.
        data:
          d.tool === 'ADD' && d.addInsertAt !== null
            ? { kind: 'add-checksum', url: d.resolvedUrl ?? d.url, insertAt: d.addInsertAt, instructionLine: d.instruction.startLine }
            : { kind: 'key', url: d.url, instructionLine: d.instruction.startLine },
      });
    }
    for (const k of a.keyProblems) {
      ctx.report({
        range: k.range,
        anchorLine: k.instruction.startLine,
        message: `${k.what}. A short ID (8 or 16 hex digits) names many keys; an attacker can create one with the same ID. Request the key by its full 40-hex fingerprint (gpg --recv-keys <fingerprint>).`,
        data: { kind: 'key', target: k.target, instructionLine: k.instruction.startLine },
      });
    }
  },
};
