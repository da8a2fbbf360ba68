// Search latency as the search benches report it: GET /v1/tools?q=… over the whole catalog, p50/p99,
// with the gateway's own Server-Timing stages (auth; search: one round trip to every scope's
// catalog; merge), on both runtime paths (issue 13 item 1): `npm start` (wrangler's proxy in front)
// and the gateway on Miniflare/workerd directly, reading the very state npm start persisted.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Platform } from "../test/e2e/platform";
import { startDirect } from "./runtime-paths";
import { ms, percentile } from "./stats";

export type Latency = { p50: number; p99: number; stages: Record<string, number[]>; reference: Record<string, number> };

/** Each query once (after 20 warm-ups), one at a time; and a bare 404 and /v1/me beside them. */
export async function searchLatency(base: string, key: string, queries: readonly string[]): Promise<Latency> {
  const auth = { authorization: `Bearer ${key}` };
  const get = async (path: string): Promise<Response> => {
    const res = await fetch(`${base}${path}`, { headers: auth });
    await res.arrayBuffer();
    return res;
  };
  const search = (q: string): Promise<Response> => get(`/v1/tools?q=${encodeURIComponent(q)}&limit=5`);
  for (const q of queries.slice(0, 20)) await search(q);
  const latencies: number[] = [];
  const stages: Record<string, number[]> = {};
  const reference: Record<string, number[]> = { "bare 404": [], "/v1/me": [] };
  for (const q of queries) {
    const t0 = performance.now();
    const res = await search(q);
    latencies.push(performance.now() - t0);
    for (const part of (res.headers.get("server-timing") ?? "").split(",")) {
      const m = /^\s*([a-z_]+);dur=([\d.]+)/.exec(part);
      if (m?.[1] && m[2]) (stages[m[1]] ??= []).push(Number(m[2]));
    }
    for (const [label, path] of [["bare 404", "/nothing-here"], ["/v1/me", "/v1/me"]] as const) {
      const t1 = performance.now();
      await get(path);
      reference[label]?.push(performance.now() - t1);
    }
  }
  const p50 = (xs: number[]): number => percentile(xs, 50);
  return { p50: p50(latencies), p99: percentile(latencies, 99), stages, reference: Object.fromEntries(Object.entries(reference).map(([k, v]) => [k, p50(v)])) };
}

/** One line per path: the search's p50/p99, its stages (medians; workerd's clock ticks in whole ms), the floor. */
export function latencyLine(path: string, tools: number, n: number, l: Latency): string {
  const stages = Object.entries(l.stages).map(([s, xs]) => `${s} ${percentile(xs, 50).toFixed(0)}`).join(", ");
  const floor = Object.entries(l.reference).map(([k, v]) => `${k} ${ms(v)}`).join(", ");
  return `${path.padEnd(9)} | GET /v1/tools?q=… over ${tools} tools (whole catalog, 5 per page, ${n} queries): p50 ${ms(l.p50)}, p99 ${ms(l.p99)} | stages (median ms): ${stages} | p50 of ${floor}`;
}

/**
 * The same measurement on the direct runtime path, over the state the stopped npm-start platform
 * left in `platform.dataDir` (the same account, key and catalog).
 */
export async function directLatency(platform: Platform, key: string, queries: readonly string[]): Promise<Latency> {
  const scratch = mkdtempSync(join(tmpdir(), "executor-bench-search-direct-"));
  const direct = await startDirect(scratch, join(platform.dataDir, "v3"));
  try {
    return await searchLatency(direct.baseUrl, key, queries);
  } finally {
    await direct.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}
