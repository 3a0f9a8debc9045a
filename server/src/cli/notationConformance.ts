// `dockerfile-trust conformance notation-verify …`: verifies Notation signature envelopes from files against a
// notation trust policy and trust store directory, the way the product verifies an image (exit 0 = verified).
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import {
  MAX_ENVELOPE_BYTES,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  describeNotationResult,
  parseNotationTrustPolicy,
  verifyNotationSignatures,
  type Descriptor,
  type NotationConfigStore,
} from '../trust/notation';
import { fsNotationConfigStore } from '../stores/notationConfig';

export const NOTATION_USAGE = `usage:
  dockerfile-trust conformance notation-verify --envelope FILE [--envelope FILE…] [--media-type TYPE]
      (--artifact-descriptor JSON_OR_FILE | --digest DIGEST --artifact-media-type TYPE --size N)
      --reference REGISTRY/REPOSITORY --trust-policy FILE --trust-store-dir DIR
      [--thumbprints JSON] [--at RFC3339_TIME] [--json]

  --media-type            the signature layer's media type, application/jose+json or application/cose
                          (default: from the file's first byte)
  --trust-policy          notation's trustpolicy.oci.json / trustpolicy.json
  --trust-store-dir       notation's directory, or its truststore directory (holding x509/{ca,signingAuthority,tsa})
  --thumbprints           the signature manifest's io.cncf.notary.x509chain.thumbprint#S256 annotation
  --at                    verification time (default: now)
Offline by design: OCSP and CRL are not fetched, so revocation is "not checked" and the policy level decides.
Exit codes: 0 verified, 1 not verified (the state and reason are printed), 2 usage or I/O error.`;

function fail(message: string, code: number): number {
  process.stderr.write(`${message}\n`);
  return code;
}

function readCapped(file: string, max: number, what: string): Buffer | string {
  try {
    const st = statSync(file);
    if (!st.isFile()) return `${what} ${file} is not a file`;
    if (st.size > max) return `${what} ${file} is larger than ${max} bytes`;
    return readFileSync(file);
  } catch (e) {
    return `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
  }
}

/** A store over `dir`: either notation's directory (with truststore/) or the truststore directory itself (with x509/). */
function storeFor(dir: string): NotationConfigStore {
  if (existsSync(path.join(dir, 'x509'))) {
    const inner = fsNotationConfigStore(dir);
    const strip = (p: string): string | undefined => (p.startsWith('truststore/') ? p.slice('truststore/'.length) : undefined);
    return {
      read: async (p, max) => {
        const s = strip(p);
        return s ? inner.read(s, max) : { ok: false, kind: 'not-found', message: `${p} does not exist` };
      },
      list: async (p) => {
        const s = strip(p);
        return s ? inner.list(s) : { ok: false, kind: 'not-found', message: `${p} does not exist` };
      },
    };
  }
  return fsNotationConfigStore(dir);
}

function parseDescriptor(value: string): Descriptor | string {
  let text = value;
  if (!value.trimStart().startsWith('{')) {
    const b = readCapped(value, 1024 * 1024, 'artifact descriptor');
    if (typeof b === 'string') return b;
    text = b.toString('utf8');
  }
  try {
    const d = JSON.parse(text) as Record<string, unknown>;
    if (typeof d['mediaType'] !== 'string' || typeof d['digest'] !== 'string' || typeof d['size'] !== 'number') return 'the artifact descriptor needs mediaType, digest and size';
    return { mediaType: d['mediaType'], digest: d['digest'], size: d['size'] };
  } catch {
    return 'the artifact descriptor is not JSON';
  }
}

export async function runNotationVerify(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        envelope: { type: 'string', multiple: true, default: [] },
        'media-type': { type: 'string' },
        'artifact-descriptor': { type: 'string' },
        digest: { type: 'string' },
        'artifact-media-type': { type: 'string' },
        size: { type: 'string' },
        reference: { type: 'string' },
        'trust-policy': { type: 'string' },
        'trust-store-dir': { type: 'string' },
        thumbprints: { type: 'string' },
        at: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    return fail(`${e instanceof Error ? e.message : String(e)}\n${NOTATION_USAGE}`, 2);
  }
  const v = parsed.values;
  const envelopes = v.envelope as string[];
  if (envelopes.length === 0) return fail(`--envelope is required\n${NOTATION_USAGE}`, 2);
  if (!v.reference || !v['trust-policy'] || !v['trust-store-dir']) return fail(`--reference, --trust-policy and --trust-store-dir are required\n${NOTATION_USAGE}`, 2);
  // Any media type is passed on: an unsupported one is the verifier's "invalid", as notation reports it.
  const mediaType = v['media-type'];

  let target: Descriptor | string;
  if (v['artifact-descriptor'] !== undefined) {
    if (v.digest !== undefined) return fail('--artifact-descriptor and --digest cannot be combined', 2);
    target = parseDescriptor(v['artifact-descriptor']);
  } else {
    const size = Number(v.size);
    if (!v.digest || !v['artifact-media-type'] || !Number.isSafeInteger(size) || size < 0) return fail(`give --artifact-descriptor, or --digest with --artifact-media-type and --size\n${NOTATION_USAGE}`, 2);
    target = { digest: v.digest, mediaType: v['artifact-media-type'], size };
  }
  if (typeof target === 'string') return fail(target, 2);

  let now = new Date();
  if (v.at !== undefined) {
    const t = Date.parse(v.at);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(v.at) || !Number.isFinite(t)) return fail('--at must be an RFC 3339 time', 2);
    now = new Date(t);
  }
  let thumbprints: string[] | undefined;
  if (v.thumbprints !== undefined) {
    try {
      const t = JSON.parse(v.thumbprints) as unknown;
      if (!Array.isArray(t) || !t.every((x) => typeof x === 'string')) throw new Error();
      thumbprints = t;
    } catch {
      return fail('--thumbprints must be a JSON array of hex strings', 2);
    }
  }

  const policyFile = v['trust-policy'];
  const policyBytes = readCapped(policyFile, 1024 * 1024, 'trust policy');
  if (typeof policyBytes === 'string') return fail(policyBytes, 2);
  const policy = parseNotationTrustPolicy(policyBytes.toString('utf8'), path.basename(policyFile));
  if (!policy.ok) {
    // A policy notation would reject: nothing can be verified under it.
    const reason = `invalid trust policy: ${policy.reason}`;
    process.stdout.write(v.json ? `${JSON.stringify({ state: 'unavailable', reason, signatures: [] }, null, 2)}\n` : `not verified (unavailable): ${reason}\n`);
    return 1;
  }
  const inputs = [];
  for (const f of envelopes) {
    const b = readCapped(f, MAX_ENVELOPE_BYTES, 'envelope');
    if (typeof b === 'string') return fail(b, 2);
    const mt = mediaType ?? (b[0] === 0x7b ? MEDIA_TYPE_JWS : MEDIA_TYPE_COSE);
    inputs.push({ mediaType: mt, bytes: new Uint8Array(b), ...(thumbprints ? { thumbprints } : {}) });
  }
  const result = await verifyNotationSignatures({
    envelopes: inputs,
    target,
    reference: v.reference,
    policy: policy.value,
    stores: storeFor(v['trust-store-dir']),
    now,
  });
  if (v.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const [first, ...rest] = describeNotationResult(result);
    process.stdout.write(`${result.state === 'verified' ? 'verified' : `not verified (${result.state})`}: ${first ?? ''}\n${rest.map((l) => `  ${l}\n`).join('')}`);
  }
  return result.state === 'verified' ? 0 : 1;
}
