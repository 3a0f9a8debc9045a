// Signs Notation envelopes of our own for negative cases: certificates and RFC 3161 tokens from the openssl CLI,
// JWS and COSE envelopes assembled here with node:crypto exactly as the Notary Project specifications lay them out.
import { execFileSync } from 'node:child_process';
import { constants, createPrivateKey, sign as cryptoSign, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tag, encode } from 'cbor2';

export const CTY = 'application/vnd.cncf.notary.payload.v1+json';

export interface Identity {
  readonly keyPem: string;
  readonly certPem: string;
  readonly der: Uint8Array;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A small PKI under `dir`: roots, code-signing leaves (RSA 2048 / EC P-256 / wrong EKU / expired), a TSA. */
export class Pki {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '1000\n');
    writeFileSync(
      join(dir, 'ca.cnf'),
      [
        '[ca]',
        'default_ca = ca_default',
        '[ca_default]',
        `database = ${join(dir, 'index.txt')}`,
        `serial = ${join(dir, 'serial')}`,
        `new_certs_dir = ${dir}`,
        'default_md = sha256',
        'policy = policy_any',
        'unique_subject = no',
        'email_in_dn = no',
        '[policy_any]',
        'countryName = optional',
        'stateOrProvinceName = optional',
        'organizationName = optional',
        'commonName = supplied',
        '[codesign]',
        'basicConstraints = CA:FALSE',
        'keyUsage = critical, digitalSignature',
        'extendedKeyUsage = codeSigning',
        '[codesign_ocsp]',
        'basicConstraints = CA:FALSE',
        'keyUsage = critical, digitalSignature',
        'extendedKeyUsage = codeSigning',
        'authorityInfoAccess = OCSP;URI:http://ocsp.test/',
        'crlDistributionPoints = URI:http://crl.test/root.crl',
        '[codesign_crl]',
        'basicConstraints = CA:FALSE',
        'keyUsage = critical, digitalSignature',
        'extendedKeyUsage = codeSigning',
        'crlDistributionPoints = URI:http://crl.test/root.crl',
        '[serverauth]',
        'basicConstraints = CA:FALSE',
        'keyUsage = critical, digitalSignature',
        'extendedKeyUsage = serverAuth',
        '[tsa]',
        'basicConstraints = CA:FALSE',
        'keyUsage = critical, digitalSignature',
        'extendedKeyUsage = critical, timeStamping',
        '',
      ].join('\n'),
    );
  }

  private read(name: string): Identity {
    const certPem = readFileSync(join(this.dir, `${name}.crt`), 'utf8');
    return { keyPem: readFileSync(join(this.dir, `${name}.key`), 'utf8'), certPem, der: new Uint8Array(new X509Certificate(certPem).raw) };
  }

  root(name: string, cn: string): Identity {
    openssl(
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', `/C=US/ST=WA/O=Dockerfile Trust Tests/CN=${cn}`, '-days', '3650', '-sha256',
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
      this.dir,
    );
    return this.read(name);
  }

  /** A leaf issued by `issuer` with the `[profile]` extensions of ca.cnf; dates as openssl `ca` takes them (YYYYMMDDHHMMSSZ). */
  leaf(name: string, cn: string, issuer: string, o: { profile?: string; key?: 'rsa' | 'ec'; start?: string; end?: string } = {}): Identity {
    const keyArgs = o.key === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
    openssl(['req', '-new', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/C=US/ST=WA/O=Dockerfile Trust Tests/CN=${cn}`], this.dir);
    openssl(
      ['ca', '-batch', '-config', 'ca.cnf', '-cert', `${issuer}.crt`, '-keyfile', `${issuer}.key`, '-in', `${name}.csr`, '-out', `${name}.crt`, '-notext', '-extensions', o.profile ?? 'codesign',
        '-startdate', o.start ?? '20240101000000Z', '-enddate', o.end ?? '20340101000000Z'],
      this.dir,
    );
    return this.read(name);
  }

  /** Marks a leaf revoked in the CA database (for CRLs and the OCSP responder). */
  revoke(name: string, issuer: string): void {
    openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', `${issuer}.crt`, '-keyfile', `${issuer}.key`, '-revoke', `${name}.crt`, '-crl_reason', 'keyCompromise'], this.dir);
  }

  /** A DER CRL from the CA database, valid for `days` (negative: already expired is not possible with openssl; use hours). */
  crl(issuer: string, hours = 24): Uint8Array {
    openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', `${issuer}.crt`, '-keyfile', `${issuer}.key`, '-gencrl', '-crlhours', String(hours), '-md', 'sha256', '-out', 'crl.pem'], this.dir);
    openssl(['crl', '-in', 'crl.pem', '-outform', 'DER', '-out', 'crl.der'], this.dir);
    return new Uint8Array(readFileSync(join(this.dir, 'crl.der')));
  }

  /** OpenSSL's OCSP responder logic over the CA database: answers the DER request `req`, signed by `signer`. */
  ocsp(req: Uint8Array, issuer: string, signer = issuer): Uint8Array {
    writeFileSync(join(this.dir, 'req.der'), req);
    openssl(['ocsp', '-index', 'index.txt', '-CA', `${issuer}.crt`, '-rsigner', `${signer}.crt`, '-rkey', `${signer}.key`, '-rmd', 'sha256', '-reqin', 'req.der', '-respout', 'resp.der', '-ndays', '1'], this.dir);
    return new Uint8Array(readFileSync(join(this.dir, 'resp.der')));
  }

  /** An RFC 3161 token over `message` from the TSA `tsa` (its certificate included, ESS signing-certificate-v2). */
  timestamp(message: Uint8Array, tsa: string): Uint8Array {
    writeFileSync(join(this.dir, 'msg.bin'), message);
    writeFileSync(
      join(this.dir, 'ts.cnf'),
      ['[tsa]', 'default_tsa = tsa1', '[tsa1]', `serial = ${join(this.dir, 'tsaserial')}`, 'crypto_device = builtin', 'signer_digest = sha256', 'default_policy = 1.2.3.4.1', 'digests = sha256', 'accuracy = secs:1', 'ess_cert_id_alg = sha256', ''].join('\n'),
    );
    writeFileSync(join(this.dir, 'tsaserial'), '01\n');
    openssl(['ts', '-query', '-data', 'msg.bin', '-sha256', '-cert', '-no_nonce', '-out', 'q.tsq'], this.dir);
    openssl(['ts', '-reply', '-config', 'ts.cnf', '-queryfile', 'q.tsq', '-inkey', `${tsa}.key`, '-signer', `${tsa}.crt`, '-token_out', '-out', 'token.der'], this.dir);
    return new Uint8Array(readFileSync(join(this.dir, 'token.der')));
  }
}

export interface Target {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export interface SignOptions {
  readonly signer: Identity;
  readonly chain: readonly Uint8Array[];
  readonly target: Target;
  readonly alg?: string;
  readonly signingTime?: Date;
  readonly expiry?: Date;
  readonly extraProtected?: Record<string, unknown>;
  readonly extraCrit?: readonly string[];
  /** Applied to the signed payload text after signing (tampering). */
  readonly tamperPayload?: (payloadJson: string) => string;
  readonly timestamp?: (signature: Uint8Array) => Uint8Array;
  /** ECDSA: 'der' produces a non-JOSE signature encoding. */
  readonly ecdsaEncoding?: 'ieee-p1363' | 'der';
}

function algFor(id: Identity): string {
  return createPrivateKey(id.keyPem).asymmetricKeyType === 'ec' ? 'ES256' : 'PS256';
}

function primitive(id: Identity, data: Uint8Array, enc: 'ieee-p1363' | 'der' = 'ieee-p1363'): Uint8Array {
  const key = createPrivateKey(id.keyPem);
  if (key.asymmetricKeyType === 'ec') return cryptoSign('sha256', data, { key, dsaEncoding: enc });
  return cryptoSign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
}

const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function signJws(o: SignOptions): Uint8Array {
  const signingTime = o.signingTime ?? new Date(Date.UTC(2025, 0, 2));
  const crit = ['io.cncf.notary.signingScheme', ...(o.expiry ? ['io.cncf.notary.expiry'] : []), ...(o.extraCrit ?? [])];
  const header: Record<string, unknown> = {
    alg: o.alg ?? algFor(o.signer),
    crit,
    cty: CTY,
    'io.cncf.notary.signingScheme': 'notary.x509',
    'io.cncf.notary.signingTime': rfc3339(signingTime),
    ...(o.expiry ? { 'io.cncf.notary.expiry': rfc3339(o.expiry) } : {}),
    ...o.extraProtected,
  };
  const payloadJson = JSON.stringify({ targetArtifact: o.target });
  const prot = Buffer.from(JSON.stringify(header)).toString('base64url');
  const payload = Buffer.from(payloadJson).toString('base64url');
  const sig = primitive(o.signer, Buffer.from(`${prot}.${payload}`), o.ecdsaEncoding);
  const unprotected: Record<string, unknown> = { x5c: o.chain.map((d) => Buffer.from(d).toString('base64')), 'io.cncf.notary.signingAgent': 'dockerfile-trust-tests' };
  if (o.timestamp) unprotected['io.cncf.notary.timestampSignature'] = Buffer.from(o.timestamp(sig)).toString('base64');
  const finalPayload = o.tamperPayload ? Buffer.from(o.tamperPayload(payloadJson)).toString('base64url') : payload;
  return Buffer.from(JSON.stringify({ payload: finalPayload, protected: prot, header: unprotected, signature: Buffer.from(sig).toString('base64url') }));
}

export function signCose(o: SignOptions): Uint8Array {
  const signingTime = o.signingTime ?? new Date(Date.UTC(2025, 0, 2));
  const prot = new Map<unknown, unknown>([
    [1, (o.alg ?? algFor(o.signer)) === 'ES256' ? -7 : -37],
    [2, ['io.cncf.notary.signingScheme', ...(o.extraCrit ?? [])]],
    [3, CTY],
    ['io.cncf.notary.signingScheme', 'notary.x509'],
    ['io.cncf.notary.signingTime', new Tag(1, Math.floor(signingTime.getTime() / 1000))],
    ...Object.entries(o.extraProtected ?? {}),
  ]);
  const protBytes = new Uint8Array(encode(prot));
  const payloadJson = JSON.stringify({ targetArtifact: o.target });
  const payload = new Uint8Array(Buffer.from(payloadJson));
  const toBeSigned = new Uint8Array(encode(['Signature1', protBytes, new Uint8Array(0), payload]));
  const sig = new Uint8Array(primitive(o.signer, toBeSigned, o.ecdsaEncoding));
  const unprot = new Map<unknown, unknown>([[33, o.chain.map((d) => new Uint8Array(d))]]);
  if (o.timestamp) unprot.set('io.cncf.notary.timestampSignature', new Uint8Array(o.timestamp(sig)));
  const finalPayload = o.tamperPayload ? new Uint8Array(Buffer.from(o.tamperPayload(payloadJson))) : payload;
  return new Uint8Array(encode(new Tag(18, [protBytes, unprot, finalPayload, sig])));
}
