// `check --fix --network`: the "Pin this download" / "Pin this clone" edits, each fetched or resolved once
// through the network layer, and each printed (exactly what is inserted) as it is applied.
import { clonePinEdit, downloadPinEdit, pinTargetOf, refKind } from '../core/downloads/pins';
import type { Finding, TextEdit } from '../core/types';
import type { Composed } from '../compose';

export async function pinFixEdits(findings: readonly Finding[], net: Pick<Composed, 'checksum' | 'gitRef'>, say: (line: string) => void): Promise<TextEdit[]> {
  const out: TextEdit[] = [];
  const digests = new Map<string, Promise<Awaited<ReturnType<Composed['checksum']>>>>();
  const commits = new Map<string, Promise<Awaited<ReturnType<Composed['gitRef']>>>>();
  for (const f of findings) {
    const pin = pinTargetOf(f);
    if (pin === null) continue;
    if (pin.kind === 'file' || pin.kind === 'pipe') {
      let p = digests.get(pin.url);
      if (p === undefined) digests.set(pin.url, (p = net.checksum(pin.url)));
      const r = await p;
      const edit = r.ok ? downloadPinEdit(pin, r.digest.replace(/^sha256:/, '')) : null;
      if (edit === null) say(`no pin for ${pin.url}: ${r.ok ? 'unexpected digest' : r.message}`);
      else {
        say(`line ${(edit.edits[0]?.range.start.line ?? 0) + 1}: ${edit.summary}`);
        out.push(...edit.edits);
      }
      continue;
    }
    const key = `${pin.url}#${pin.ref ?? ''}#${refKind(pin)}`;
    let p = commits.get(key);
    if (p === undefined) commits.set(key, (p = net.gitRef(pin.url, pin.ref, refKind(pin))));
    const r = await p;
    const edit = r.ok ? clonePinEdit(pin, r.commit) : null;
    if (edit === null) say(`no pin for ${pin.url}: ${r.ok ? 'unexpected commit' : r.message}`);
    else {
      say(`line ${(edit.edits[0]?.range.start.line ?? 0) + 1}: ${edit.summary}`);
      out.push(...edit.edits);
    }
  }
  return out;
}
