// Table-driven rule tests: each case is a Dockerfile and the 1-based lines (and optional message parts) the rule must report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type AnalyzeOptions } from '../../server/src/core/analyze';
import { RULES_BY_ID } from '../../server/src/core/rules';
import type { Finding } from '../../server/src/core/types';

export interface RuleCase {
  readonly name: string;
  readonly dockerfile: string;
  /** 1-based lines of the expected findings (start of range), in order; [] for a valid case. */
  readonly lines: readonly number[];
  /** Text each finding's message must contain (by index), optional. */
  readonly messages?: readonly (string | RegExp)[];
  /** Text each finding's range must cover exactly (by index), optional. */
  readonly covers?: readonly string[];
  readonly options?: AnalyzeOptions;
}

export function findingsOf(ruleId: string, dockerfile: string, options: AnalyzeOptions = {}): Finding[] {
  const rule = RULES_BY_ID.get(ruleId);
  assert.ok(rule, `rule ${ruleId} is registered`);
  return analyze(dockerfile, { ...options, rules: [rule] }).findings.filter((f) => f.ruleId === ruleId);
}

export function textAt(dockerfile: string, f: Finding): string {
  const lines = dockerfile.split(/\r\n|\r|\n/);
  if (f.range.start.line === f.range.end.line) return (lines[f.range.start.line] ?? '').slice(f.range.start.character, f.range.end.character);
  const parts = [(lines[f.range.start.line] ?? '').slice(f.range.start.character)];
  for (let l = f.range.start.line + 1; l < f.range.end.line; l++) parts.push(lines[l] ?? '');
  parts.push((lines[f.range.end.line] ?? '').slice(0, f.range.end.character));
  return parts.join('\n');
}

export function ruleTable(ruleId: string, cases: readonly RuleCase[]): void {
  const valid = cases.filter((c) => c.lines.length === 0).length;
  assert.ok(valid > 0 && valid < cases.length, `${ruleId}: the table has valid and invalid cases`);
  for (const c of cases) {
    test(`${ruleId}: ${c.name}`, () => {
      const found = findingsOf(ruleId, c.dockerfile, c.options);
      assert.deepEqual(
        found.map((f) => f.range.start.line + 1),
        [...c.lines],
        `lines reported:\n${found.map((f) => `${f.range.start.line + 1}: ${f.message}`).join('\n')}`,
      );
      c.messages?.forEach((m, i) => {
        const msg = found[i]?.message ?? '';
        if (typeof m === 'string') assert.ok(msg.includes(m), `message ${i} should contain "${m}": ${msg}`);
        else assert.match(msg, m);
      });
      c.covers?.forEach((t, i) => {
        const f = found[i];
        assert.ok(f);
        assert.equal(textAt(c.dockerfile, f), t);
      });
    });
  }
}
