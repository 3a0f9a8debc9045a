// A real git smart-HTTP server on 127.0.0.1 for tests: git's own `git http-backend` (CGI) behind a small Node
// https shim, serving bare repositories made with the git CLI (branches, lightweight and annotated tags).
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { makeCert } from './registry';

const BACKEND = ['/usr/lib/git-core/git-http-backend', '/usr/libexec/git-core/git-http-backend'].find((p) => fs.existsSync(p)) ?? 'git-http-backend';

export interface GitServer {
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  readonly host: string;
  readonly certPath: string;
  /** Environment for git clients that talk to it (its CA, no user config). */
  readonly clientEnv: NodeJS.ProcessEnv;
  /** Extra routes answered before git (path → handler), for hostile answers. */
  readonly routes: Map<string, (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void>;
  /** Every request: path and the Authorization header it carried (none may). */
  readonly requests: { path: string; authorization: string | undefined }[];
  /** `git` in the work tree of a repository (for rev-parse and ls-remote oracles). */
  git(args: readonly string[], cwd?: string): string;
  close(): Promise<void>;
}

/** Isolated git: no system or user config, fixed identity and dates (deterministic commits). */
export function gitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: path.join(home, 'gitconfig'),
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
    GIT_AUTHOR_DATE: '2025-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2025-01-01T00:00:00Z',
    GIT_TERMINAL_PROMPT: '0',
  };
}

/**
 * Starts the server with one bare repository `repo.git` under `dir/projects`: `main` (2 commits), `dev`
 * (1 more), lightweight tag `v1` on the first commit, annotated tag `v2` on the second.
 */
export async function startGitServer(dir: string): Promise<GitServer> {
  const home = path.join(dir, 'home');
  const projects = path.join(dir, 'projects');
  const work = path.join(dir, 'work');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(projects, { recursive: true });
  fs.writeFileSync(path.join(home, 'gitconfig'), '');
  const env = gitEnv(home);
  const git = (args: readonly string[], cwd = work): string => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
  fs.mkdirSync(work);
  git(['init', '-q', '-b', 'main', work], dir);
  fs.writeFileSync(path.join(work, 'a.txt'), 'one\n');
  git(['add', 'a.txt']);
  git(['commit', '-q', '-m', 'one']);
  git(['tag', 'v1']);
  fs.writeFileSync(path.join(work, 'a.txt'), 'two\n');
  git(['commit', '-q', '-am', 'two']);
  git(['tag', '-a', 'v2', '-m', 'release two']);
  git(['checkout', '-q', '-b', 'dev']);
  fs.writeFileSync(path.join(work, 'b.txt'), 'dev\n');
  git(['add', 'b.txt']);
  git(['commit', '-q', '-m', 'dev']);
  git(['checkout', '-q', 'main']);
  git(['clone', '-q', '--bare', work, path.join(projects, 'repo.git')], dir);

  const cert = await makeCert(dir, 'git', '/CN=127.0.0.1', 'IP:127.0.0.1');
  const routes: GitServer['routes'] = new Map();
  const requests: GitServer['requests'] = [];
  const server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    requests.push({ path: url.pathname, authorization: req.headers.authorization });
    const route = routes.get(url.pathname);
    if (route !== undefined) {
      route(req, res);
      return;
    }
    // CGI: git http-backend reads the request from its environment and stdin, writes headers then the body.
    const child = spawn(BACKEND, [], {
      env: {
        ...env,
        GIT_PROJECT_ROOT: projects,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_ADDR: '127.0.0.1',
        ...(req.headers['git-protocol'] !== undefined ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(child.stdin);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('close', () => {
      const out = Buffer.concat(chunks);
      const sep = out.indexOf('\r\n\r\n');
      const head = sep >= 0 ? out.subarray(0, sep).toString('latin1') : '';
      const body = sep >= 0 ? out.subarray(sep + 4) : out;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.split('\r\n')) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const k = line.slice(0, i).trim().toLowerCase();
        const v = line.slice(i + 1).trim();
        if (k === 'status') status = Number(v.split(' ')[0]) || 500;
        else headers[k] = v;
      }
      res.writeHead(status, headers);
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin: `https://${host}`,
    host,
    certPath: cert.certPath,
    clientEnv: { ...env, GIT_SSL_CAINFO: cert.certPath },
    routes,
    requests,
    git,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
