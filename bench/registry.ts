// Benchmark of registry lookups against a real local docker-registry: cold, warm, 50 at once, token-auth cold.
import type { ParsedReference } from '../server/src/core/imageRef';
import { parseReference } from '../server/src/core/imageRef';
import type { HttpClient } from '../server/src/registry/http';
import { createRegistryService } from '../server/src/registry/service';
import { createTransport } from '../server/src/registry/transport';
import { startRegistry, type RegistryHandle } from '../test/support/registry';

export type RegistryBench = {
  /** One multi-platform image, nothing cached: wall time and HTTP round trips. */
  readonly cold: { readonly ms: number; readonly requests: number };
  /** The same lookup again while fresh: must be zero requests. */
  readonly warm: { readonly ms: number; readonly requests: number };
  /** 50 distinct images requested at once through a fresh service. */
  readonly fifty: { readonly ms: number; readonly requests: number; readonly concurrency: number; readonly maxInFlight: number; readonly ratioToOne: number };
  /** One image behind Bearer token auth, nothing cached (401, token, HEAD, GET). */
  readonly coldToken: { readonly ms: number; readonly requests: number };
};

function ref(text: string): ParsedReference {
  const r = parseReference(text);
  if (!r.ok) throw new Error(`bad reference ${text}`);
  return r;
}

/** Wraps an HttpClient to observe how many requests are in flight at once. */
function observed(http: HttpClient): { http: HttpClient; max: () => number } {
  let inFlight = 0;
  let max = 0;
  return {
    http: async (req) => {
      inFlight++;
      max = Math.max(max, inFlight);
      try {
        return await http(req);
      } finally {
        inFlight--;
      }
    },
    max: () => max,
  };
}

async function withService<T>(reg: RegistryHandle, fn: (s: ReturnType<typeof createRegistryService>, max: () => number) => Promise<T>, insecureExtra: string[] = []): Promise<T> {
  const transport = createTransport({ insecureHosts: [reg.host, ...insecureExtra] });
  const o = observed(transport.http);
  const service = createRegistryService({ http: o.http, insecureRegistries: [reg.host], concurrency: 4, timeoutMs: 10_000 });
  try {
    return await fn(service, o.max);
  } finally {
    await service.dispose();
    await transport.close();
  }
}

export async function benchRegistry(): Promise<RegistryBench> {
  const reg = await startRegistry();
  const tokenReg = await startRegistry({ auth: 'token', anonymousPull: true });
  try {
    await reg.pushImage('bench/one', '1', { kind: 'oci-index' });
    for (let i = 0; i < 50; i++) await reg.pushImage(`bench/many${i}`, '1', { kind: 'oci-index', seed: String(i) });
    await tokenReg.pushImage('bench/tok', '1', { kind: 'oci-index' });

    const { cold, warm } = await withService(reg, async (service) => {
      // Warm up the connection pool and JIT on another repository so "cold" measures a cache miss, not process start.
      await service.resolve(ref(`${reg.host}/bench/many0:1`));
      const r = ref(`${reg.host}/bench/one:1`);
      let before = service.stats.requests;
      let t0 = performance.now();
      const f = await service.resolve(r);
      if (f.state !== 'ok') throw new Error(`cold lookup failed: ${f.message}`);
      const cold = { ms: performance.now() - t0, requests: service.stats.requests - before };
      before = service.stats.requests;
      t0 = performance.now();
      await service.resolve(r);
      const warm = { ms: performance.now() - t0, requests: service.stats.requests - before };
      return { cold, warm };
    });

    const fifty = await withService(reg, async (service, max) => {
      const refs = Array.from({ length: 50 }, (_, i) => ref(`${reg.host}/bench/many${i}:1`));
      const t0 = performance.now();
      const facts = await Promise.all(refs.map((r) => service.resolve(r)));
      const ms = performance.now() - t0;
      const failed = facts.filter((f) => f.state !== 'ok').length;
      if (failed > 0) throw new Error(`${failed} of 50 lookups failed`);
      return { ms, requests: service.stats.requests, concurrency: 4, maxInFlight: max(), ratioToOne: ms / cold.ms };
    });

    const tokenHost = new URL(tokenReg.tokenServer?.url ?? 'http://x').host;
    const coldToken = await withService(
      tokenReg,
      async (service) => {
        const t0 = performance.now();
        const f = await service.resolve(ref(`${tokenReg.host}/bench/tok:1`));
        if (f.state !== 'ok') throw new Error(`token lookup failed: ${f.message}`);
        return { ms: performance.now() - t0, requests: service.stats.requests };
      },
      [tokenHost],
    );
    return { cold, warm, fifty, coldToken };
  } finally {
    await reg.stop();
    await tokenReg.stop();
  }
}

if (process.argv[1] !== undefined && /bench[\\/]registry\.ts$/.test(process.argv[1])) {
  benchRegistry().then(
    (r) => console.log(JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v), 2)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
