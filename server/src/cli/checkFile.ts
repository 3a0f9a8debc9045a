// One Dockerfile through the shared pipeline (pipeline/analysis.ts), as the CLI checks it: findings, the images
// with what is known about each, and, with --fix, the safe fixes written back.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Composed } from '../compose';
import { analyze } from '../core/analyze';
import { describeImage } from '../core/describe';
import { printable } from '../core/text';
import { addChecksumOf, applyEdits, fixEdits } from '../core/fixAll';
import { analysisOptions, checkText, factsOf } from '../pipeline/analysis';
import type { AnalysisSettings } from '../protocol';
import { unifiedDiff } from './diff';
import { pinFixEdits } from './pins';
import type { InputFile } from './files';
import type { FileResult, ImageResult } from './format';
import type { Description } from '../core/describe';
import type { SegmentCache } from '../core/parse';

export interface CheckContext {
  readonly settings: AnalysisSettings;
  /** The network services (registry, trust sources); absent = syntax checks only. */
  readonly composed?: Composed;
  readonly fix: boolean;
  /** With `fix`: print the fixes as a unified diff to `out` and write nothing. */
  readonly diff?: boolean;
  readonly cwd: string;
  readonly out?: (s: string) => void;
  readonly warn: (message: string) => void;
  /** Instruction parses shared by every file of the run (segments repeat across a monorepo's Dockerfiles). */
  readonly parses?: SegmentCache;
}

export async function checkFile(file: InputFile, ctx: CheckContext): Promise<{ result: FileResult; ioError: boolean }> {
  const lookup = ctx.composed?.lookup;
  // The rules and the image summary judge tag answers at one moment (Facts.now), so they cannot disagree.
  let at: Date | undefined;
  const clock = (): Date => (at ??= new Date());
  const checked = await checkText(file.text, ctx.settings, lookup, clock, ctx.parses);
  const references = checked.references;
  let findings = checked.findings;
  const now = clock();
  const images = lookup !== undefined ? references.map((r) => imageResult(r.canonical, describeImage(r, lookup.peek(r), now))) : undefined;
  let ioError = false;
  if (ctx.fix) {
    const checksums = new Map<string, string>();
    if (ctx.composed !== undefined) {
      for (const f of findings) {
        const add = addChecksumOf(f);
        if (add === null || checksums.has(add.url) || !/^https:\/\//i.test(add.url)) continue;
        const r = await ctx.composed.checksum(add.url);
        if (r.ok) checksums.set(add.url, r.digest);
        else ctx.warn(`${printable(file.path)}: no checksum for ${printable(add.url)}: ${printable(r.message)}`);
      }
    }
    // The download and clone pins: each fetched or resolved once, and printed as it is applied.
    const pins = ctx.composed !== undefined ? await pinFixEdits(findings, ctx.composed, (m) => ctx.warn(`${printable(file.path)}: ${printable(m)}`)) : [];
    const edits = fixEdits(findings, lookup !== undefined ? (r) => lookup.peek(r) : undefined, checksums, {}, pins);
    if (edits.length > 0 && ctx.diff === true) {
      ctx.out?.(unifiedDiff(file.path, file.text, applyEdits(file.text, edits)));
      ctx.warn(`${file.path}: ${edits.length} fix${edits.length === 1 ? '' : 'es'} shown, not written`);
      return { result: { path: file.path, findings, ...(images !== undefined ? { images } : {}) }, ioError };
    }
    if (edits.length > 0) {
      const fixed = applyEdits(file.text, edits);
      try {
        fs.writeFileSync(path.resolve(ctx.cwd, file.path), fixed);
      } catch (err) {
        ctx.warn(`${file.path}: cannot write fixes (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
        ioError = true;
      }
      ctx.warn(`${file.path}: applied ${edits.length} fix${edits.length === 1 ? '' : 'es'}`);
      ({ findings } = analyze(fixed, analysisOptions(ctx.settings, factsOf(lookup)), ctx.parses));
    }
  }
  return { result: { path: file.path, findings, ...(images !== undefined ? { images } : {}) }, ioError };
}

/** The image entry of the JSON/SARIF output: the description's plain facts (links are the hover's). */
function imageResult(reference: string, d: Description): ImageResult {
  return { reference, headline: d.headline, lines: d.lines, verified: d.verified, ...(d.provenance !== undefined ? { provenance: d.provenance } : {}) };
}
