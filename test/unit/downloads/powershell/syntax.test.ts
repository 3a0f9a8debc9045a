// The PowerShell parser (powershell/syntax.ts): the shapes download code is written in, and hostile input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePowerShell, strLit, type PsExpr, type PsStatement } from '../../../../server/src/core/downloads/powershell/syntax';
import { downloadsOf } from '../../../support/downloadTable';

function only(text: string): PsStatement {
  const r = parsePowerShell(text);
  assert.deepEqual(r.errors, [], text);
  assert.equal(r.statements.length, 1, text);
  return r.statements[0] as PsStatement;
}

test('powershell syntax: a command with parameters and a word holding ${env:X}', () => {
  const s = only('Invoke-WebRequest -Uri ${env:BASE}/x.zip -OutFile "$env:TEMP\\x.zip" -UseBasicParsing');
  assert.equal(s.k, 'pipeline');
  const el = s.k === 'pipeline' ? s.elems[0] : undefined;
  assert.ok(el && el.k === 'cmd');
  assert.equal(strLit(el.name), 'Invoke-WebRequest');
  assert.deepEqual(el.args.map((a) => (a.k === 'param' ? `-${a.name}` : a.e.k)), ['-uri', 'str', '-outfile', 'str', '-usebasicparsing']);
  const uri = el.args[1] as { k: 'value'; e: PsExpr };
  assert.ok(uri.e.k === 'str');
  assert.deepEqual(uri.e.parts.map((p) => ('lit' in p ? p.lit : `$${p.expr.k === 'var' ? p.expr.name : '?'}`)), ['$env:base', '/x.zip']);
});

test('powershell syntax: assignment of -f formatting, + concatenation, member calls and if/elseif/else', () => {
  const a = only("$url = $('https://e.x/{0}/a.zip' -f $env:V)");
  assert.equal(a.k, 'assign');
  const b = only("(New-Object System.Net.WebClient).DownloadFile('https://e.x/a' + $v, 'C:\\a')");
  assert.ok(b.k === 'pipeline' && b.elems[0]?.k === 'expr' && b.elems[0].e.k === 'member' && b.elems[0].e.name === 'downloadfile' && b.elems[0].e.args?.length === 2);
  const c = only("if ((Get-FileHash a).Hash -ne $h) { throw 'x' } elseif ($y) { exit 2 } else { Write-Host ok }");
  assert.ok(c.k === 'if');
  assert.equal(c.clauses.length, 2);
  assert.ok(c.elseBody !== null);
  const f = only('function Get-Tool([string]$Url, $Out) { param() Invoke-WebRequest $Url -OutFile $Out }');
  assert.ok(f.k === 'function');
  assert.deepEqual(f.params, ['url', 'out']);
  const g = only('function Fetch { param([Parameter(Mandatory)][string]$U, [string]$F = "x") iwr $U -OutFile $F }');
  assert.ok(g.k === 'function');
  assert.deepEqual(g.params, ['u', 'f']);
});

test('powershell syntax: statements split on ; and newlines, backtick continuations joined, comments skipped', () => {
  const r = parsePowerShell("<# block\ncomment #>\n$a = 1; # trailing\nWrite-Host `\n  $a\ntry { x } catch [System.Exception] { y } finally { z }\n");
  assert.deepEqual(r.statements.map((s) => s.k), ['assign', 'pipeline', 'try']);
  assert.deepEqual(r.errors, []);
});

test('powershell: hostile input never throws', () => {
  const samples = [
    '$('.repeat(5000),
    "'".repeat(7) + 'unterminated',
    '${'.repeat(4000),
    'if ('.repeat(3000),
    '@"\n' + 'x'.repeat(10000),
    "'a' + ".repeat(4000) + "'b'",
    '-f '.repeat(4000),
    'function f { f; f; f; f }; f',
    '[' + 'a.'.repeat(3000),
    '`'.repeat(5000),
    '!'.repeat(5000) + '$x',
    'if (' + '-not '.repeat(3000) + '$x) { throw 1 }',
    '[string]'.repeat(3000) + '$x',
    "$a = 'x' -and ".repeat(2000) + '$b',
  ];
  for (const s of samples) {
    assert.doesNotThrow(() => parsePowerShell(s), s.slice(0, 20));
    assert.doesNotThrow(() => downloadsOf(`FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN ${s.replace(/\n/g, ' ')}\n`), s.slice(0, 20));
  }
  // Nesting is depth, never unbounded recursion: every nesting construct reaches the cap (and says so), so no stack
  // size and no JIT state can turn it into an internal error (conditions and loop headers once recursed freely).
  for (const deep of ['if ('.repeat(3000), 'while ('.repeat(2000), 'foreach ($a in '.repeat(2000), '$('.repeat(5000), '{'.repeat(3000), '@('.repeat(3000), 'try {'.repeat(2000), '& ('.repeat(2000)]) {
    const errors = parsePowerShell(deep).errors;
    assert.ok(errors.includes('nesting too deep'), `${deep.slice(0, 12)}: ${errors.slice(0, 3).join('; ')}`);
    assert.ok(!errors.some((e) => e.startsWith('internal')), `${deep.slice(0, 12)}: ${errors.slice(0, 3).join('; ')}`);
  }
  // How the cost grows with the text is measured by `npm run bench` (pathological inputs, case powershell).
});
