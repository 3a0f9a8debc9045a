// Table tests for the download analysis: each case is a Dockerfile and the downloads it must record, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelOf } from '../../server/src/core/analyze';
import { analyzeDownloads, type Download } from '../../server/src/core/downloads';
import { parseDocument } from '../../server/src/core/parse';

export interface ExpectedDownload {
  readonly tool?: string;
  readonly status: Download['status'];
  readonly kind?: Download['kind'];
  readonly sink?: Download['sink'];
  /** The URL as resolved (or as written when it cannot be). */
  readonly url?: string;
  readonly outputs?: readonly string[];
  readonly alternatives?: readonly string[];
  /** Text (or pattern) one of its look-alike notes must contain. */
  readonly weak?: string | RegExp;
  /** Text one of its context notes must contain. */
  readonly note?: string | RegExp;
  /** Text its verification must name. */
  readonly verifiedBy?: string | RegExp;
  /** Text one of its uses must contain. */
  readonly use?: string;
  /** 1-based line its range starts on. */
  readonly line?: number;
}

export interface DownloadCase {
  readonly name: string;
  readonly dockerfile: string;
  readonly downloads: readonly ExpectedDownload[];
}

export function downloadsOf(dockerfile: string): readonly Download[] {
  const a = analyzeDownloads(modelOf(parseDocument(dockerfile)));
  for (const errs of a.parseErrors.values()) assert.ok(!errs.some((e) => e.startsWith('internal')), errs.join('; '));
  return a.downloads;
}

const has = (xs: readonly string[], p: string | RegExp): boolean => xs.some((x) => (typeof p === 'string' ? x.includes(p) : p.test(x)));

/**
 * Runs the table. A family's table must go both ways: at least one case where a download is verified (or
 * is no download at all) and one where one is left unverified.
 */
export function downloadTable(family: string, cases: readonly DownloadCase[]): void {
  const safe = cases.some((c) => c.downloads.length === 0 || c.downloads.some((d) => d.status !== 'unverified'));
  const unsafe = cases.some((c) => c.downloads.some((d) => d.status === 'unverified'));
  assert.ok(safe && unsafe, `${family}: the table has idioms that verify and look-alikes that do not`);
  for (const c of cases) {
    test(`${family}: ${c.name}`, () => {
      const found = downloadsOf(c.dockerfile);
      const show = found.map((d) => `${d.tool} ${d.resolvedUrl ?? d.url} ${d.status} ${d.sink} [${d.outputs.join(', ')}] weak=${JSON.stringify(d.weak)} notes=${JSON.stringify(d.notes)} by=${d.verifiedBy}`).join('\n');
      assert.equal(found.length, c.downloads.length, `downloads:\n${show}`);
      c.downloads.forEach((e, i) => {
        const d = found[i] as Download;
        const where = `download ${i}:\n${show}`;
        assert.equal(d.status, e.status, where);
        if (e.tool !== undefined) assert.equal(d.tool, e.tool, where);
        if (e.kind !== undefined) assert.equal(d.kind, e.kind, where);
        if (e.sink !== undefined) assert.equal(d.sink, e.sink, where);
        if (e.url !== undefined) assert.equal(d.resolvedUrl ?? d.url, e.url, where);
        if (e.outputs !== undefined) assert.deepEqual(d.outputs, e.outputs, where);
        if (e.alternatives !== undefined) assert.deepEqual(d.alternatives, e.alternatives, where);
        if (e.weak !== undefined) assert.ok(has(d.weak, e.weak), `weak ${String(e.weak)}: ${where}`);
        if (e.note !== undefined) assert.ok(has(d.notes, e.note), `note ${String(e.note)}: ${where}`);
        if (e.verifiedBy !== undefined) assert.ok(d.verifiedBy !== null && has([d.verifiedBy], e.verifiedBy), `verifiedBy ${String(e.verifiedBy)}: ${where}`);
        if (e.use !== undefined) assert.ok(has(d.uses, e.use), `use ${e.use}: ${where}`);
        if (e.line !== undefined) assert.equal(d.range.start.line + 1, e.line, where);
      });
    });
  }
}
