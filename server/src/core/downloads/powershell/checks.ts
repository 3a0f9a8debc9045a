// Checks in PowerShell `if` conditions: Get-FileHash compared with a value, Authenticode status and signer
// thumbprint; each counts only when the branch a mismatch takes fails the build.
import type { Outcome } from '../context';
import { basename, HEX40, HEX_DIGEST, type Val } from '../values';
import type { PsHost, PsScope, PsVal } from './scope';
import { strLit, type PsElement, type PsExpr, type PsStatement } from './syntax';

/** A check found in an `if` condition: what it compares and on which truth value the mismatch branch runs. */
export interface CheckAtom {
  readonly kind: 'hash' | 'status' | 'thumb';
  readonly file: string;
  readonly expected: Val;
  readonly mismatchWhen: boolean;
  readonly text: string;
}

const BENIGN = /^(?:write-host|write-output|write-warning|write-verbose|write-information|write-debug|echo|out-host|out-null|start-sleep|remove-item)$/;

/** What the checks need of the walk besides PsHost: its error mode, and whether a catch swallows throws. */
export interface CheckHost extends PsHost {
  readonly errexit: boolean;
  readonly swallowed: boolean;
}

export class PsChecks {
  /** Authenticode checks seen per file: a valid status and a pinned signer thumbprint make a verification. */
  private readonly signatureChecks = new Map<string, { status: boolean; thumb: boolean }>();

  constructor(private readonly w: CheckHost) {}

  /** Collects the checks in a condition; `truthy` is false under an odd number of -not. */
  condition(e: PsExpr, scope: PsScope, truthy: boolean, out: CheckAtom[]): void {
    if (e.k === 'paren' && e.body.length === 1) {
      const st = e.body[0] as PsStatement;
      if (st.k === 'pipeline' && st.elems.length === 1 && st.elems[0]?.k === 'expr') return this.condition(st.elems[0].e, scope, truthy, out);
    }
    if (e.k === 'not') {
      let inner: PsExpr = e;
      let t = truthy;
      while (inner.k === 'not') {
        inner = inner.e;
        t = !t;
      }
      return this.condition(inner, scope, t, out);
    }
    if (e.k === 'bin' && (e.op === '-and' || e.op === '-or')) {
      // Left-deep chains of -and/-or: the left spine in a loop.
      const rights: PsExpr[] = [];
      let left: PsExpr = e;
      while (left.k === 'bin' && (left.op === '-and' || left.op === '-or')) {
        rights.push(left.right);
        left = left.left;
      }
      this.condition(left, scope, truthy, out);
      for (let i = rights.length - 1; i >= 0; i--) this.condition(rights[i] as PsExpr, scope, truthy, out);
      return;
    }
    if (e.k === 'bin' && /^-(?:c|i)?(?:eq|ne|match|notmatch|like|notlike)$/.test(e.op)) {
      const negative = /ne$|^-(?:c|i)?not/.test(e.op);
      this.compare(this.w.expr(e.left, scope), this.w.expr(e.right, scope), negative === truthy, out, this.w.text(e));
      return;
    }
    if (e.k === 'member' && e.name === 'equals' && e.args !== null && e.args.length === 1) {
      this.compare(this.w.expr(e.target, scope), this.w.expr(e.args[0] as PsExpr, scope), !truthy, out, this.w.text(e));
      return;
    }
    this.w.expr(e, scope);
  }

  private compare(a: PsVal, b: PsVal, mismatchWhen: boolean, out: CheckAtom[], text: string): void {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      if (x.v.trust === 'hash' && x.v.hashOf !== null) {
        out.push({ kind: 'hash', file: x.v.hashOf, expected: y.v, mismatchWhen, text });
        return;
      }
      if (x.obj === 'sigstatus' && x.of !== null) {
        if (/^valid$/i.test(y.v.text)) out.push({ kind: 'status', file: x.of, expected: y.v, mismatchWhen, text });
        return;
      }
      if (x.obj === 'sigthumb' && x.of !== null) {
        out.push({ kind: 'thumb', file: x.of, expected: y.v, mismatchWhen, text });
        return;
      }
    }
  }

  apply(a: CheckAtom, mismatch: Outcome): void {
    const downloads = this.w.ctx.fileState(a.file)?.downloads ?? this.w.ctx.fileState(basename(a.file))?.downloads ?? [];
    const ignored = mismatch.fate === 'continues';
    const ignoredNote = `\`${a.text}\` is checked, but a mismatch does not stop the build (${mismatch.text === 'no else branch' || mismatch.text === '' ? 'no branch fails on it' : `the mismatch branch only runs \`${mismatch.text}\``})`;
    if (a.kind === 'hash') {
      for (const d of downloads) {
        if (a.expected.trust === 'fetched') this.w.ctx.weak(d, 'the expected hash is itself downloaded during the build');
        else if (a.expected.trust === 'hash') this.w.ctx.weak(d, 'the hash is compared with another computed hash, not with a pinned value');
        else if (!(HEX_DIGEST.test(a.expected.text) || a.expected.trust === 'dockerfile')) continue;
        else if (ignored) this.w.ctx.weak(d, ignoredNote);
        else this.w.ctx.verify(d, 'Get-FileHash compared with a pinned value');
      }
      return;
    }
    const pinnedThumb = a.kind === 'thumb' && (HEX40.test(a.expected.text) || (a.expected.trust === 'dockerfile' && a.expected.resolved));
    if (a.kind === 'thumb' && !pinnedThumb) return;
    const seen = this.signatureChecks.get(a.file) ?? { status: false, thumb: false };
    if (ignored) {
      for (const d of downloads) this.w.ctx.weak(d, ignoredNote);
      return;
    }
    if (a.kind === 'status') seen.status = true;
    else seen.thumb = true;
    this.signatureChecks.set(a.file, seen);
    for (const d of downloads) {
      if (seen.status && seen.thumb) this.w.ctx.verify(d, 'Authenticode signature valid and signed by the pinned certificate thumbprint');
      else if (seen.status) this.w.ctx.weak(d, '`Get-AuthenticodeSignature` only shows that some certificate Windows trusts signed it, not whose: compare `SignerCertificate.Thumbprint` with a pinned value too');
      else this.w.ctx.weak(d, 'the signer thumbprint is compared, but not the signature `Status`, so a file with a broken signature still passes');
    }
  }

  /** Does running `list` fail the build? */
  blockFate(list: readonly PsStatement[], scope: PsScope): Outcome {
    const text = list.map((s) => this.w.text(s).trim()).join('; ');
    const short = text.length > 60 ? `${text.slice(0, 57)}…` : text;
    let benign = true;
    for (const s of list) {
      if (s.k === 'flow' && s.kw === 'throw') {
        if (!this.w.swallowed) return { fate: 'fails', text: short };
        continue;
      }
      if (s.k === 'flow' && s.kw === 'exit') {
        const code = s.arg === null ? '' : this.w.text(s.arg).trim();
        if (code !== '0') return { fate: 'fails', text: short };
        continue;
      }
      if (s.k === 'pipeline' && s.elems.length === 1) {
        const el = s.elems[0] as PsElement;
        if (el.k === 'expr') continue;
        const name = el.name.k === 'str' ? strLit(el.name).toLowerCase() : '';
        if (name === 'write-error' && this.w.errexit && !this.w.swallowed) return { fate: 'fails', text: short };
        if (name === 'write-error') continue;
        const fn = scope.functions.get(name);
        if (fn !== undefined) {
          const inner = this.blockFate(fn.body, scope);
          if (inner.fate === 'fails') return { fate: 'fails', text: short };
          if (inner.fate === 'none') benign = false;
          continue;
        }
        if (BENIGN.test(name)) continue;
      }
      if (s.k === 'assign') continue;
      benign = false;
    }
    return { fate: benign ? 'continues' : 'none', text: short };
  }
}
