// One entry point from (predicate type, predicate) to the facts we keep. SBOMs are recorded as present, never parsed.
import type { PredicateFacts } from './facts';
import { classifyPredicateType } from './predicateTypes';
import { readProvenance } from './provenance';
import { readScan, readVex } from './scans';

/** Never throws: a predicate of a known type that cannot be read yields the facts it has (possibly none). */
export function readPredicate(predicateType: string, predicate: unknown): PredicateFacts {
  const c = classifyPredicateType(predicateType);
  try {
    switch (c.kind) {
      case 'slsa-provenance':
        return readProvenance(c.version, predicate);
      case 'sbom':
        return { kind: 'sbom', format: c.format };
      case 'vulnerability-scan':
        return readScan(c.format, predicate);
      case 'vex':
        return readVex(predicate);
      case 'signature':
      case 'other':
        return { kind: 'other' };
    }
  } catch {
    // The readers do not throw on any JSON value; this guards the guarantee, it is not a code path.
    return { kind: 'other' };
  }
}
