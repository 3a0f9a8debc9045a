// The name → handler table: which tool family reads which command. Adding a tool is one handler and one entry here.
import { isPosixShell, isPowerShell } from '../../shell/source';
import type { Call, Handler } from '../context';
import { HASHERS, SHELL_INTERPRETERS } from '../values';
import { FETCHERS } from './fetchers';
import { FILES } from './files';
import { comparison, hashCommand, HASHERS_FAMILY } from './hashers';
import { MANAGERS, pip, pythonModule } from './managers';
import { interpreter, posixShell, powershellFromShell, SHELLS } from './shells';
import { SIGNATURES } from './signatures';
import { SYSTEM_PACKAGES } from './system';
import { VCS } from './vcs';

export { recordUses } from './uses';

const TABLE: ReadonlyMap<string, Handler> = new Map([...FETCHERS, ...HASHERS_FAMILY, ...SIGNATURES, ...SYSTEM_PACKAGES, ...MANAGERS, ...VCS, ...FILES, ...SHELLS]);

/** Handlers for names that vary (pip3.11, python3 -m pip, /usr/bin/sha256sum, pwsh.exe). */
const PATTERNS: readonly (readonly [(name: string, call: Call) => boolean, Handler])[] = [
  [(n) => /^pip[0-9.]*$/.test(n), pip],
  [(n, c) => /^python[0-9.]*$/.test(n) && c.t[1] === '-m', pythonModule],
  [(n) => HASHERS.test(n), hashCommand],
  [(n) => n === '[' || n === '[[', comparison],
  [(n) => isPowerShell(n), powershellFromShell],
  [(n) => isPosixShell(n), posixShell],
  [(n) => SHELL_INTERPRETERS.test(n), interpreter],
];

export function handlerFor(name: string, call: Call): Handler | undefined {
  const h = TABLE.get(name);
  if (h !== undefined) return h;
  for (const [test, handler] of PATTERNS) if (test(name, call)) return handler;
  return undefined;
}

/** Every command name the table knows (for tests and docs). */
export function knownTools(): string[] {
  return [...TABLE.keys()];
}
