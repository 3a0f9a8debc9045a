// What a command does with files it names: runs them, extracts or installs them, makes them executable.
import { isPosixShell } from '../../shell/source';
import type { Call, WalkContext } from '../context';
import { EXTRACTORS, SHELL_INTERPRETERS } from '../values';

const INSTALLERS = /^(?:dpkg|rpm|apt-get|apt|gem|yum|dnf|zypper|microdnf|apk|npm|pnpm|yarn|msiexec|pip[0-9.]*)$/;
/** An operand that names a package file rather than a package in a repository. */
const PACKAGE_FILE = /[\\/]|\.(?:deb|rpm|whl|gem|apk|msi|tgz|tar\.gz|zip|jar|egg)$/i;

/** Records uses of downloaded files by `call` (`runs`: the bytes are executed, unpacked or installed). */
export function recordUses(ctx: WalkContext, call: Call): void {
  const { name } = call;
  const t = call.t;
  const operands = t.slice(1).filter((x) => !x.startsWith('-'));
  if (isPosixShell(name) || SHELL_INTERPRETERS.test(name) || name === 'source' || name === '.') {
    const f = operands[0];
    if (f !== undefined) ctx.use(f, `executed by ${name}`, true);
  } else if (name === 'java' && t.includes('-jar')) ctx.use(t[t.indexOf('-jar') + 1] ?? '', 'executed by java -jar', true);
  else if (EXTRACTORS.test(name)) for (const f of operands) ctx.use(f, `extracted by ${name}`, true);
  else if (INSTALLERS.test(name)) for (const f of operands.filter((x) => PACKAGE_FILE.test(x))) ctx.use(f, `installed by ${name}`, true);
  else if (name.startsWith('./') || name.startsWith('/')) ctx.use(name, 'executed', true);
  else if (name === 'chmod' && t.some((x) => /\+x|7\d\d|5\d\d/.test(x))) for (const f of operands.filter((x) => !/^[0-7]{3,4}$|^[ugoa]*[+-=][rwxX]+$/.test(x))) ctx.use(f, 'made executable', false);
}
