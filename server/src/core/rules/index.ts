// The rule registry: every rule the engine runs, in a stable order.
import type { Rule } from '../rule';
import { baseImageDigestMalformed } from './base-image-digest-malformed';
import { baseImageInvalidReference } from './base-image-invalid-reference';
import { baseImageLatest } from './base-image-latest';
import { baseImageUnpinned } from './base-image-unpinned';
import { baseImageUnresolved } from './base-image-unresolved';
import { buildContextOrImage } from './build-context-or-image';
import { registryDigestUnknown } from './registry-digest-unknown';
import { registryLookupFailed } from './registry-lookup-failed';
import { registryNewerDigest } from './registry-newer-digest';
import { registryNotAllowed } from './registry-not-allowed';
import { downloadUnverified } from './download-unverified';
import { downloadPipedToShell } from './download-piped-to-shell';
import { downloadInsecureTransport } from './download-insecure-transport';
import { keyUnverified } from './key-unverified';
import { aptSourceUnsigned } from './apt-source-unsigned';
import { addUrlUnverified } from './add-url-unverified';
import { gitRefUnpinned } from './git-ref-unpinned';
import { runNotAnalyzed } from './run-not-analyzed';
import { baseImageUnsigned } from './base-image-unsigned';
import { baseImageTrustInvalid } from './base-image-trust-invalid';
import { baseImagePinUnsigned } from './base-image-pin-unsigned';
import { trustTagDigestMismatch } from './trust-tag-digest-mismatch';
import { baseImageProvenanceUnverified } from './base-image-provenance-unverified';
import { baseImageScanStale } from './base-image-scan-stale';

export const RULES: readonly Rule[] = [
  baseImageUnpinned,
  baseImageLatest,
  baseImageDigestMalformed,
  baseImageInvalidReference,
  baseImageUnresolved,
  buildContextOrImage,
  registryDigestUnknown,
  registryNewerDigest,
  registryLookupFailed,
  registryNotAllowed,
  downloadUnverified,
  downloadPipedToShell,
  downloadInsecureTransport,
  keyUnverified,
  aptSourceUnsigned,
  addUrlUnverified,
  gitRefUnpinned,
  runNotAnalyzed,
  baseImageUnsigned,
  baseImageTrustInvalid,
  baseImagePinUnsigned,
  trustTagDigestMismatch,
  baseImageProvenanceUnverified,
  baseImageScanStale,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
