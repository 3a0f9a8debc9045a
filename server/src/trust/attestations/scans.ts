// Vulnerability-scan and VEX predicates read into scanner, scan date and counts by severity. No scanner is run here.
//
// Formats, each from its own documentation:
// - cosign vuln (sigstore/cosign specs/COSIGN_VULN_ATTESTATION_SPEC.md): predicate.scanner {uri, version, db, result} and
//   metadata.scanStartedOn/scanFinishedOn; `result` is the scanner's own output: Trivy JSON (Results[].Vulnerabilities[].
//   Severity), Grype JSON (matches[].vulnerability.severity) or SARIF 2.1.0 (what distroless published). The spec text
//   shows `scanners` as a list; cosign and Trivy emit one `scanner` object. Both are read.
// - in-toto vulns v0.1/v0.2 (in-toto/attestation spec/predicates/vulns*.md): scanner.result[] of {id, severity[{method,
//   score}]} (v0.1's field table nests it under `vulnerability`).
// - Docker Scout vulnerabilities v0.1 (Docker Hardened Images): a list of {purl, vulnerabilities[{source_id, cvss
//   {severity, score}}]}. No scan date in the predicate.
// - OpenVEX (openvex.dev spec): statements[] with status not_affected | affected | fixed | under_investigation.
import type { ScanFacts, SeverityCounts, VexFacts } from './facts';
import { cvss3BaseScore } from './cvss';
import { LIMITS, isObj, own, str, timestamp } from './hostile';

type Bucket = keyof SeverityCounts;

class Counter {
  readonly c = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
  seen = 0;
  truncated = false;
  add(b: Bucket): boolean {
    if (this.seen >= LIMITS.walk) {
      this.truncated = true;
      return false;
    }
    this.seen++;
    this.c[b]++;
    return true;
  }
}

/** A severity word, a CVSS base score (string or number) or a CVSS 3.x vector → bucket. */
export function severityBucket(v: unknown): Bucket {
  if (typeof v === 'number' && Number.isFinite(v)) return cvssBucket(v);
  if (typeof v === 'string' && v.startsWith('CVSS:3.')) {
    const score = cvss3BaseScore(v);
    return score !== undefined ? cvssBucket(score) : 'unknown';
  }
  if (typeof v !== 'string' || v.length > 32) return 'unknown';
  const w = v.trim().toLowerCase();
  if (w === 'critical') return 'critical';
  if (w === 'high' || w === 'important') return 'high';
  if (w === 'medium' || w === 'moderate') return 'medium';
  if (w === 'low' || w === 'negligible' || w === 'minor') return 'low';
  if (/^\d{1,2}(\.\d+)?$/.test(w)) return cvssBucket(Number(w));
  return 'unknown';
}

/** CVSS v3 qualitative ratings: 9.0–10 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. */
function cvssBucket(n: number): Bucket {
  if (n >= 9 && n <= 10) return 'critical';
  if (n >= 7 && n < 9) return 'high';
  if (n >= 4 && n < 7) return 'medium';
  if (n > 0 && n < 4) return 'low';
  return 'unknown';
}

function list(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Counts findings in a scanner's own output; undefined format when it is none we know. */
function countResult(result: unknown): { format: ScanFacts['resultFormat']; counter?: Counter } {
  if (isSarif(result)) return { format: 'sarif', counter: countSarif(result) };
  const trivy = own(result, 'Results');
  if (Array.isArray(trivy)) {
    const k = new Counter();
    outer: for (const r of trivy.slice(0, LIMITS.walk)) {
      for (const v of list(own(r, 'Vulnerabilities'))) if (!k.add(severityBucket(own(v, 'Severity')))) break outer;
    }
    return { format: 'trivy-json', counter: k };
  }
  const grype = own(result, 'matches');
  if (Array.isArray(grype)) {
    const k = new Counter();
    for (const m of grype) if (!k.add(severityBucket(own(own(m, 'vulnerability'), 'severity')))) break;
    return { format: 'grype-json', counter: k };
  }
  return { format: 'unrecognised' };
}

function isSarif(v: unknown): boolean {
  return isObj(v) && own(v, 'version') === '2.1.0' && Array.isArray(own(v, 'runs'));
}

/**
 * SARIF: a result's severity comes from its rule — Trivy and Grype put the word in `properties.tags` and the CVSS score in
 * `properties["security-severity"]` (GitHub code scanning's convention); the result `level` (error/warning/note) is a
 * display level, not a severity, so without rule data a finding counts as unknown.
 */
function countSarif(log: unknown): Counter {
  const k = new Counter();
  outer: for (const run of list(own(log, 'runs')).slice(0, LIMITS.walk)) {
    const rules = new Map<string, Bucket>();
    const ruleList = list(own(own(own(run, 'tool'), 'driver'), 'rules'));
    const ruleBuckets: Bucket[] = [];
    for (const r of ruleList.slice(0, LIMITS.walk)) {
      const props = own(r, 'properties');
      let b: Bucket = 'unknown';
      for (const t of list(own(props, 'tags')).slice(0, 16)) {
        const tb = severityBucket(t);
        if (tb !== 'unknown') {
          b = tb;
          break;
        }
      }
      if (b === 'unknown') b = severityBucket(own(props, 'security-severity'));
      ruleBuckets.push(b);
      const id = str(own(r, 'id'));
      if (id !== undefined && !rules.has(id)) rules.set(id, b);
    }
    for (const res of list(own(run, 'results'))) {
      const idx = own(res, 'ruleIndex');
      const id = str(own(res, 'ruleId'));
      const b = (typeof idx === 'number' && Number.isInteger(idx) ? ruleBuckets[idx] : undefined) ?? (id !== undefined ? rules.get(id) : undefined) ?? 'unknown';
      if (!k.add(b)) break outer;
    }
  }
  return k;
}

function scannerOf(s: unknown): ScanFacts['scanner'] | undefined {
  if (!isObj(s)) return undefined;
  const uri = str(own(s, 'uri'));
  const version = str(own(s, 'version'), 256);
  const dbVersion = str(own(own(s, 'db'), 'version'), 256);
  const name = uri !== undefined ? scannerName(uri) : undefined;
  const out = { ...(uri !== undefined ? { uri } : {}), ...(name !== undefined ? { name } : {}), ...(version !== undefined ? { version } : {}), ...(dbVersion !== undefined ? { dbVersion } : {}) };
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `pkg:github/aquasecurity/trivy@…` or `https://github.com/aquasecurity/trivy` → `trivy`. */
function scannerName(uri: string): string | undefined {
  const m = /^(?:pkg:[a-z]+\/|https?:\/\/[^/]+\/)(?:[^/@?#]+\/)*([^/@?#]+)/i.exec(uri);
  return m?.[1] ? str(m[1], 128) : undefined;
}

function withCounts(base: Omit<ScanFacts, 'counts' | 'truncated' | 'resultFormat'>, format: ScanFacts['resultFormat'], k: Counter | undefined): ScanFacts {
  return { ...base, resultFormat: format, ...(k ? { counts: { ...k.c } } : {}), ...(k?.truncated ? { truncated: true } : {}) };
}

function dates(metadata: unknown): Pick<ScanFacts, 'scanStartedOn' | 'scanFinishedOn'> {
  const s = timestamp(own(metadata, 'scanStartedOn'));
  const f = timestamp(own(metadata, 'scanFinishedOn'));
  return { ...(s !== undefined ? { scanStartedOn: s } : {}), ...(f !== undefined ? { scanFinishedOn: f } : {}) };
}

export function readScan(format: ScanFacts['format'], predicate: unknown): ScanFacts {
  switch (format) {
    case 'cosign-vuln': {
      const scanner = own(predicate, 'scanner') ?? list(own(predicate, 'scanners'))[0];
      const sc = scannerOf(scanner);
      const base = { kind: 'vulnerability-scan' as const, format, ...(sc ? { scanner: sc } : {}), ...dates(own(predicate, 'metadata')) };
      const result = own(scanner, 'result');
      if (result === undefined) return withCounts(base, 'none', undefined);
      const r = countResult(result);
      return withCounts(base, r.format, r.counter);
    }
    case 'in-toto-vulns': {
      const scanner = own(predicate, 'scanner');
      const sc = scannerOf(scanner);
      const base = { kind: 'vulnerability-scan' as const, format, ...(sc ? { scanner: sc } : {}), ...dates(own(predicate, 'metadata')) };
      const result = own(scanner, 'result');
      if (!Array.isArray(result)) return withCounts(base, 'none', undefined);
      const k = new Counter();
      for (const item of result) {
        const v = own(item, 'vulnerability') ?? item;
        const sev = own(v, 'severity');
        // Several scoring methods may be listed; the highest severity among them is the one that matters.
        let b: Bucket = 'unknown';
        for (const s of (Array.isArray(sev) ? sev : [sev]).slice(0, 16)) b = worse(b, severityBucket(own(s, 'score') ?? s));
        if (!k.add(b)) break;
      }
      return withCounts(base, 'in-toto', k);
    }
    case 'scout-vulns': {
      const k = new Counter();
      outer: for (const entry of list(predicate).slice(0, LIMITS.walk)) {
        for (const v of list(own(entry, 'vulnerabilities'))) {
          const cvss = own(v, 'cvss');
          const w = severityBucket(own(cvss, 'severity'));
          if (!k.add(w !== 'unknown' ? w : severityBucket(own(cvss, 'score')))) break outer;
        }
      }
      return withCounts({ kind: 'vulnerability-scan', format, scanner: { name: 'docker-scout' } }, Array.isArray(predicate) ? 'scout' : 'unrecognised', Array.isArray(predicate) ? k : undefined);
    }
    case 'sarif': {
      if (!isSarif(predicate)) return withCounts({ kind: 'vulnerability-scan', format }, 'unrecognised', undefined);
      const driver = own(own(list(own(predicate, 'runs'))[0], 'tool'), 'driver');
      const name = str(own(driver, 'name'), 128);
      const version = str(own(driver, 'version'), 256);
      const uri = str(own(driver, 'informationUri'));
      const sc = { ...(uri !== undefined ? { uri } : {}), ...(name !== undefined ? { name } : {}), ...(version !== undefined ? { version } : {}) };
      return withCounts({ kind: 'vulnerability-scan', format, ...(Object.keys(sc).length ? { scanner: sc } : {}) }, 'sarif', countSarif(predicate));
    }
  }
}

const ORDER: readonly Bucket[] = ['unknown', 'low', 'medium', 'high', 'critical'];
function worse(a: Bucket, b: Bucket): Bucket {
  return ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a;
}

export function readVex(predicate: unknown): VexFacts {
  const byStatus = { notAffected: 0, affected: 0, fixed: 0, underInvestigation: 0, other: 0 };
  const statements = list(own(predicate, 'statements'));
  const n = Math.min(statements.length, LIMITS.walk);
  for (let i = 0; i < n; i++) {
    switch (own(statements[i], 'status')) {
      case 'not_affected':
        byStatus.notAffected++;
        break;
      case 'affected':
        byStatus.affected++;
        break;
      case 'fixed':
        byStatus.fixed++;
        break;
      case 'under_investigation':
        byStatus.underInvestigation++;
        break;
      default:
        byStatus.other++;
    }
  }
  const author = str(own(predicate, 'author'), 512);
  // `last_updated` is when the document last changed; `timestamp` when it was first issued.
  const ts = timestamp(own(predicate, 'last_updated')) ?? timestamp(own(predicate, 'timestamp'));
  return {
    kind: 'vex',
    format: 'openvex',
    ...(author !== undefined ? { author } : {}),
    ...(ts !== undefined ? { timestamp: ts } : {}),
    statements: statements.length,
    byStatus,
    ...(statements.length > n ? { truncated: true } : {}),
  };
}
