// Helpers shared by the image-reference rules.
import type { ImageUse } from '../model';
import type { ParsedReference } from '../imageRef';
import type { FixData } from '../types';

export function describeSource(use: ImageUse): string {
  const where = use.onbuild ? 'ONBUILD ' : '';
  switch (use.source) {
    case 'from':
      return `${where}FROM`;
    case 'copy-from':
      return `${where}COPY --from`;
    case 'mount-from':
      return `${where}RUN --mount from`;
    case 'syntax':
      return '# syntax frontend';
  }
}

/** Image uses that name an external image with a well-formed reference. */
export function externalImages(uses: readonly ImageUse[]): { use: ImageUse; ref: ParsedReference }[] {
  const out: { use: ImageUse; ref: ParsedReference }[] = [];
  for (const use of uses) {
    if (use.kind === 'image' && use.ref !== null && use.ref.ok) out.push({ use, ref: use.ref });
  }
  return out;
}

/** Data a pin fix needs: which text to replace and with what reference. */
export interface PinData extends FixData {
  readonly kind: 'pin';
  /** Normalized reference (cache key for the registry/trust layers). */
  readonly canonical: string;
  /** The text as written in the file (may contain variables). */
  readonly text: string;
  /** True when the written text contains variables: the pin then cannot be written in place. */
  readonly hasVariables: boolean;
  readonly pinnedDigest: string | null;
}

export function pinData(use: ImageUse, ref: ParsedReference): PinData {
  return { kind: 'pin', canonical: ref.canonical, text: use.text, hasVariables: use.hasVariables, pinnedDigest: ref.digest };
}

export function shown(use: ImageUse): string {
  return use.hasVariables && use.resolved !== null ? `${use.text} (= ${use.resolved})` : use.text;
}
