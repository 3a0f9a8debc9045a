// The hand-written shell parser: structure, words, quoting, substitutions, heredocs, and hostile input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allCommands, parseShell, sharedParses, type ShCommand } from '../../../server/src/core/shell/parse';
import { analyze } from '../../../server/src/core/analyze';
import { projectDockerfiles } from '../../support/shared';

function names(src: string): string[] {
  return allCommands(parseShell(src)).map((c) => c.words.map((w) => w.text).join(' '));
}

test('lists, and-or chains, pipelines and negation', () => {
  assert.deepEqual(names('a 1 && b 2 || c; d | e & f'), ['a 1', 'b 2', 'c', 'd', 'e', 'f']);
  const s = parseShell('! a | b && c');
  assert.equal(s.errors.length, 0);
  const top = s.body.items[0];
  assert.equal(top?.type, 'andor');
  if (top?.type === 'andor') {
    assert.deepEqual(top.ops, ['&&']);
    assert.equal(top.items[0]?.type, 'pipeline');
  }
});

test('quotes, escapes and expansions keep their text', () => {
  const [c] = allCommands(parseShell(`echo 'a b' "c \\"d\\" $X" e\\ f \${Y:-z} $'t\\tu'`));
  assert.deepEqual(c?.words.map((w) => w.text), ['echo', 'a b', 'c "d" $X', 'e f', '${Y:-z}', 't\tu']);
  assert.equal(c?.words[2]?.dynamic, true);
  assert.equal(c?.words[1]?.dynamic, false);
});

test('word offsets point into the source', () => {
  const src = 'curl -fsSLo out "https://example.com/a b"';
  const [c] = allCommands(parseShell(src));
  const w = c?.words[3];
  assert.ok(w);
  assert.equal(src.slice(w.start, w.end), '"https://example.com/a b"');
});

test('command substitutions are parsed, also nested and in backquotes', () => {
  const src = 'v="$(curl -s $(echo u))" w=`wget -qO- x`';
  const s = parseShell(src);
  const [assignCmd] = allCommands(s) as ShCommand[];
  assert.equal(assignCmd?.assigns.length, 2);
  assert.equal(assignCmd?.assigns[0]?.value.subs.length, 1);
  assert.deepEqual(allCommands(s).slice(1).map((c) => c.words[0]?.text), ['curl', 'echo', 'wget']);
});

test('compound commands: if, for, while, case (with ;; and patterns), groups, subshells, functions', () => {
  const src = [
    'if [ -n "$A" ]; then a; elif b; then c; else d; fi',
    'for k in 1 2 3; do gpg --recv-keys "$k"; done',
    'while read l; do echo "$l"; done < f',
    'case "$(uname -m)" in x86_64|amd64) arch=x64 ;; (aarch64) arch=arm64 ;; *) exit 1 ;; esac',
    '{ g; h; } > out',
    '( cd d && make )',
    'f() { local x="$1"; wget -O "$x" u; }',
    'function g2 { echo hi; }',
  ].join('\n');
  const s = parseShell(src);
  assert.deepEqual(s.errors, []);
  assert.deepEqual(s.body.items.map((n) => n.type), ['if', 'for', 'while', 'case', 'group', 'subshell', 'function', 'function']);
  const kase = s.body.items[3];
  assert.ok(kase?.type === 'case');
  assert.deepEqual(kase.arms.map((a) => a.patterns.map((p) => p.text)), [['x86_64', 'amd64'], ['aarch64'], ['*']]);
  const loop = s.body.items[1];
  assert.ok(loop?.type === 'for');
  assert.deepEqual(loop.words?.map((w) => w.text), ['1', '2', '3']);
});

test('case inside $( … ) (as in per-arch URL selection)', () => {
  const s = parseShell('curl -fsSL https://go.dev/dl/go1.linux-$(case $(uname -m) in x86_64) echo amd64 ;; aarch64) echo arm64 ;; esac).tar.gz | tar xz');
  assert.deepEqual(s.errors, []);
  assert.deepEqual(allCommands(s).map((c) => c.words[0]?.text), ['curl', 'uname', 'echo', 'echo', 'tar']);
});

test('redirections and heredocs (with <<- tab stripping and quoted delimiters)', () => {
  const s = parseShell('cat > /etc/x.list <<-"EOF"\n\tdeb https://a $X\n\tEOF\necho done 2>&1 >> log');
  assert.deepEqual(s.errors, []);
  const [cat, echo] = allCommands(s);
  assert.deepEqual(cat?.redirects.map((r) => r.op), ['>', '<<-']);
  assert.equal(cat?.redirects[1]?.body, 'deb https://a $X\n');
  assert.equal(cat?.redirects[1]?.quotedBody, true);
  assert.deepEqual(echo?.redirects.map((r) => `${r.fd}${r.op}${r.target?.text}`), ['2>&1', '>>log']);
});

test('comments and line continuations', () => {
  assert.deepEqual(names('a \\\n  b # c d\ne'), ['a b', 'e']);
});

test('errors are reported, parsing still ends', () => {
  for (const bad of ['echo "unterminated', 'if a; then b', 'case x in a) b', 'a && ', '(((', ')))', 'echo $(', '`', "'", '<<EOF', 'for', 'f() {']) {
    const s = parseShell(bad);
    assert.ok(Array.isArray(s.errors), bad);
  }
  assert.ok(parseShell('echo "x').errors.length > 0);
  assert.ok(parseShell('if a; then b').errors.length > 0);
});

test('hostile input: deep nesting, long chains and long scripts finish and do not throw', { timeout: 30_000 }, () => {
  const deep = `echo ${'$(echo '.repeat(20000)}x${')'.repeat(20000)}`;
  const s1 = parseShell(deep);
  assert.ok(s1.errors.includes('nesting too deep'));
  assert.equal(allCommands(s1)[0]?.words[0]?.text, 'echo');
  const chain = Array.from({ length: 20000 }, (_, i) => `echo ${i}`).join(' && ');
  assert.equal(allCommands(parseShell(chain)).length, 20000);
  const parens = '('.repeat(50000) + ')'.repeat(50000);
  parseShell(parens);
  const subs = '$('.repeat(30000);
  parseShell(subs);
  // Compound commands are depth too: each construct reaches the command budget and says so, never the stack.
  for (const deep of ['{ '.repeat(5000), 'if '.repeat(5000), 'while '.repeat(5000), 'for x in a; do '.repeat(3000), 'case x in a) '.repeat(3000), 'f() { '.repeat(3000), '( '.repeat(5000)]) {
    const errors = parseShell(deep).errors;
    assert.ok(errors.includes('nesting too deep'), `${deep.slice(0, 12)}: ${errors.slice(0, 3).join('; ')}`);
    assert.ok(!errors.some((e) => e.startsWith('internal')), `${deep.slice(0, 12)}: ${errors.slice(0, 3).join('; ')}`);
  }
});

test('shared parse trees: analysing every fixture twice changes no tree, and the second pass gives the same findings', () => {
  // The project's fixtures here; every corpus file in test/corpus/engine.test.ts.
  const texts = projectDockerfiles().map((f) => f.text);
  const first = texts.map((t) => JSON.stringify(analyze(t).findings));
  const trees = sharedParses();
  assert.ok(trees.size > 10, `scripts shared: ${trees.size}`);
  // Each shared tree still equals a fresh parse of its text after the analyses walked it.
  for (const [text, tree] of trees) assert.deepEqual(tree, parseShell(text));
  const second = texts.map((t) => JSON.stringify(analyze(t).findings));
  assert.deepEqual(second, first);
});
