// The Image Inventory at monorepo scale: the extension's loader (client/src/inventoryLoader.ts) against the bundled
// server over stdio, on generated workspaces of 200 and 2,000 Dockerfiles (about 300 distinct images). Time to a full
// inventory, server and client CPU, server memory, what was read and analysed; with lookups off, and with no network
// (every registry refused by a loopback proxy) after asking about every image.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InventoryLoader } from '../client/src/inventoryLoader';
import { startFakeHub } from '../test/support/fakeHub';
import { diskInventoryIO } from '../test/support/inventoryIO';
import { startLsp, type LspClient } from '../test/support/lsp';
import { generateWorkspace } from '../test/support/workspaceGen';

export interface InventoryRun {
  readonly files: number;
  readonly mode: string;
  readonly ms: number;
  readonly serverCpuMs: number;
  readonly clientCpuMs: number;
  readonly serverRssMb: number;
  readonly images: number;
  readonly references: number;
  readonly uses: number;
  readonly reads: number;
  readonly analysed: number;
  readonly distinctTexts: number;
  readonly warmMs: number;
  readonly warmReads: number;
  readonly warmAnalysed: number;
  readonly attempts: number | null;
}

const TICK = 100; // USER_HZ on Linux

function serverCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICK;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function once(root: string, files: number, distinctTexts: number, mode: 'off' | 'offline'): Promise<InventoryRun> {
  const hub = mode === 'offline' ? await startFakeHub() : undefined;
  if (hub !== undefined) hub.offline = true;
  const docker = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-bench-docker-'));
  let c: LspClient | undefined;
  try {
    c = await startLsp({
      settings: mode === 'off' ? { network: { mode: 'off' } } : {},
      env: hub !== undefined ? { ...process.env, HTTPS_PROXY: hub.proxyUrl, HTTP_PROXY: hub.proxyUrl, NO_PROXY: '', https_proxy: '', http_proxy: '', no_proxy: '', DOCKER_CONFIG: docker } : { ...process.env, DOCKER_CONFIG: docker },
    });
    const pid = c.child.pid!;
    const io = diskInventoryIO(root, c.connection);
    const loader = new InventoryLoader(io, { maxFiles: () => 0, onChange: () => undefined });
    const cpu0 = serverCpuMs(pid);
    const client0 = process.cpuUsage();
    const t0 = performance.now();
    await loader.reload(mode === 'offline');
    const ms = performance.now() - t0;
    const client = process.cpuUsage(client0);
    const serverCpu = serverCpuMs(pid) - cpu0;
    const totals = loader.model.totals();
    const first = { ...io.counts };
    const w0 = performance.now();
    await loader.reload(false);
    const warmMs = performance.now() - w0;
    return {
      files,
      mode: mode === 'off' ? 'lookups off' : 'no network, every image asked about',
      ms,
      serverCpuMs: serverCpu,
      clientCpuMs: (client.user + client.system) / 1000,
      serverRssMb: rssMb(pid),
      images: totals.images,
      references: loader.model.references().length,
      uses: totals.uses,
      reads: first.reads,
      analysed: first.analysed,
      distinctTexts,
      warmMs,
      warmReads: io.counts.reads - first.reads,
      warmAnalysed: io.counts.analysed - first.analysed,
      attempts: hub !== undefined ? hub.requests.length : null,
    };
  } finally {
    await c?.stop();
    await hub?.stop();
    fs.rmSync(docker, { recursive: true, force: true });
  }
}

export async function benchInventory(sizes: readonly number[] = [200, 2000]): Promise<InventoryRun[]> {
  const out: InventoryRun[] = [];
  for (const n of sizes) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `dft-bench-inventory-${n}-`));
    try {
      const ws = generateWorkspace(root, n, { images: 300 });
      for (const mode of ['off', 'offline'] as const) out.push(await once(root, n, ws.distinctTexts, mode));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
  return out;
}
