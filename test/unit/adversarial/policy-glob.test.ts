// Adversarial review: policy patterns are matched in time linear in the pattern times the name, whatever either is
// (image names come from the Dockerfile), and mean exactly what the regular-expression matcher meant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePattern } from '../../../server/src/trust/policy';

/** The previous implementation, as the reference for meaning (safe on the short inputs used here). */
function reference(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

test('the glob matcher agrees with the regular-expression meaning on 20,000 random patterns and names', () => {
  let seed = 12345;
  const rnd = (n: number): number => {
    // mulberry32: the low bits of a power-of-two LCG repeat with a short period, which would test a handful of cases.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
  for (let k = 0; k < 20_000; k++) {
    const pattern = 'r.io/' + Array.from({ length: 1 + rnd(7) }, () => pick(['a', 'b', '/', '*', '**', '?', '-', '.'])).join('');
    const name = 'r.io/' + Array.from({ length: rnd(9) }, () => pick(['a', 'b', '/', '-', '.'])).join('');
    const m = compilePattern(pattern);
    if (typeof m === 'string') continue;
    assert.equal(m.test(name), reference(pattern).test(name), `${pattern} vs ${name}`);
  }
});

test('patterns that made the regular expression backtrack for seconds are answered (adversarial review)', async () => {
  // Before: "**a**a**a**a**a**a**a**a**b" against 40 a's took 3.9 s; "reg.io/**/**/**/**/x" against a 248-character name
  // 355 ms; "**a" × 100 never finished. Matching runs in a worker so a regression is a failed test, not a hung suite:
  // the 20 s deadline detects a hang, it does not measure speed (O(tokens × length) is at most 300 × 256 steps here).
  const { Worker } = await import('node:worker_threads');
  const cases: [string, string][] = [
    ['**a**a**a**a**a**a**a**a**b', 'a'.repeat(40)],
    ['reg.io/**/**/**/**/x', 'reg.io/' + 'a/'.repeat(120) + 'a'],
    ['**/a/**/a/**/a/**/b', 'reg.io/' + 'a/'.repeat(120) + 'a'],
    [`${'**a'.repeat(100)}b`, 'a'.repeat(250)],
  ];
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    require('tsx/cjs');
    const { compilePattern } = require(workerData.module);
    parentPort.postMessage(workerData.cases.map(([p, n]) => compilePattern(p).test(n)));
  `;
  const worker = new Worker(src, { eval: true, workerData: { cases, module: require.resolve('../../../server/src/trust/policy') } });
  const result = await new Promise<boolean[] | 'hung'>((resolve, reject) => {
    const timer = setTimeout(() => resolve('hung'), 20_000);
    worker.once('message', (m: boolean[]) => (clearTimeout(timer), resolve(m)));
    worker.once('error', (e) => (clearTimeout(timer), reject(e)));
  });
  await worker.terminate();
  assert.deepEqual(result, [false, false, false, false], 'pattern matching did not finish: a Dockerfile name can stall every lookup');
});
