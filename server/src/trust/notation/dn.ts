// Distinguished names for `x509.subject:` trusted identities, with the Notary Project rules notation applies:
// RFC 4514 syntax, single-valued RDNs, unique attribute types, S as an alias of ST, C + ST + O required, no `=#` values.
import type { NameAttribute } from './cert';

export type DnMap = ReadonlyMap<string, string>;
export type DnResult = { readonly ok: true; readonly dn: DnMap } | { readonly ok: false; readonly reason: string };

const MANDATORY = ['C', 'ST', 'O'] as const;

/** Parses the text after `x509.subject:`. */
export function parseDistinguishedName(text: string): DnResult {
  if (text.includes('=#')) return { ok: false, reason: `unsupported distinguished name "${text}": values in "#<hex>" form are not supported` };
  const rdns = splitRdns(text);
  if (typeof rdns === 'string') return { ok: false, reason: `distinguished name "${text}" is malformed: ${rdns}` };
  const map = new Map<string, string>();
  for (const rdn of rdns) {
    if (rdn.length > 1) return { ok: false, reason: `distinguished name "${text}" has a multi-valued RDN, which is not supported` };
    const [type, value] = rdn[0] as [string, string];
    const key = type === 'S' ? 'ST' : type;
    if (map.get(key)) return { ok: false, reason: `distinguished name "${text}" repeats the attribute ${key}` };
    map.set(key, value);
  }
  return withMandatory(map, text);
}

/** The signing certificate's subject under the same rules (notation parses the certificate's subject text the same way). */
export function certificateDn(attributes: readonly (readonly NameAttribute[])[], subjectText: string): DnResult {
  const map = new Map<string, string>();
  for (const rdn of attributes) {
    if (rdn.length > 1) return { ok: false, reason: `certificate subject "${subjectText}" has a multi-valued RDN, which is not supported` };
    const a = rdn[0];
    if (!a) continue;
    if (a.type === a.oid || a.value === undefined || a.value.includes('=#')) {
      return { ok: false, reason: `certificate subject "${subjectText}" has an attribute notation cannot match (${a.oid})` };
    }
    if (map.get(a.type)) return { ok: false, reason: `certificate subject "${subjectText}" repeats the attribute ${a.type}` };
    map.set(a.type, a.value);
  }
  return withMandatory(map, subjectText);
}

function withMandatory(map: Map<string, string>, text: string): DnResult {
  for (const f of MANDATORY) {
    if (!map.get(f)) return { ok: false, reason: `distinguished name "${text}" lacks ${f}: C, ST (or S) and O are required` };
  }
  return { ok: true, dn: map };
}

/** Every attribute of `a` has the same value in `b`. */
export function isSubsetDn(a: DnMap, b: DnMap): boolean {
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

export function dnText(dn: DnMap): string {
  return [...dn].map(([k, v]) => `${k}=${v}`).join(', ');
}

/** RFC 4514: `,` (or `;`) separates RDNs, `+` attributes; `\` escapes a special character or two hex digits; unescaped spaces around types and values are dropped. */
function splitRdns(text: string): [string, string][][] | string {
  const rdns: [string, string][][] = [];
  let rdn: [string, string][] = [];
  let i = 0;
  const n = text.length;
  if (text.trim() === '') return 'empty';
  for (;;) {
    // type
    while (i < n && text[i] === ' ') i++;
    const eq = text.indexOf('=', i);
    if (eq < 0) return 'an attribute without "="';
    const type = text.slice(i, eq).trim();
    if (!/^([A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)*)$/.test(type)) return `bad attribute type "${type}"`;
    i = eq + 1;
    while (i < n && text[i] === ' ') i++;
    // value
    const bytes: number[] = [];
    let lastNonSpace = 0;
    let end: string | undefined;
    while (i < n) {
      const c = text[i] as string;
      if (c === ',' || c === ';' || c === '+') {
        end = c;
        i++;
        break;
      }
      if (c === '\\') {
        const h = text.slice(i + 1, i + 3);
        if (/^[0-9A-Fa-f]{2}$/.test(h)) {
          bytes.push(parseInt(h, 16));
          i += 3;
        } else if (i + 1 < n) {
          for (const b of Buffer.from(text[i + 1] as string, 'utf8')) bytes.push(b);
          i += 2;
        } else return 'a trailing backslash';
        lastNonSpace = bytes.length;
        continue;
      }
      if (c === '"') return 'quoted values are not supported';
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
      if (c !== ' ') lastNonSpace = bytes.length;
      i++;
    }
    const value = Buffer.from(bytes.slice(0, lastNonSpace)).toString('utf8');
    rdn.push([type, value]);
    if (end === '+') continue;
    rdns.push(rdn);
    rdn = [];
    if (end === undefined) break;
  }
  return rdns;
}
