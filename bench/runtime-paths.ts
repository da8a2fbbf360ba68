// The two runtime paths side by side (issue 13 item 1): `npm start` (wrangler's startWorker, whose
// proxy worker sits in front of ours) and the gateway on Miniflare/workerd directly (the bundle
// wrangler builds, the bindings wrangler.toml declares, no proxy). For each: a bare 404, /v1/me,
// describe and a call, p50/p99, against the upstream called directly; and one call broken down by
// stage from its Server-Timing header (auth, resolve, admission, run_record, secret, upstream,
// run_complete, respond), medians over the calls.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { createGitBackend } from "../scripts/git-backend.mjs";
import { signUpWithKey } from "../test/e2e/api";
import { freePort, removeDataDir, startPlatform } from "../test/e2e/platform";
import { startPetstore } from "../test/e2e/upstreams/petstore";
import { load, ms, percentile } from "./stats";

const ROUNDS = Number(process.env.BENCH_PATH_ROUNDS ?? 200);
const ROOT = resolve(import.meta.dirname, "..");
const VAULT_KEY = Buffer.alloc(32, 7).toString("base64");

/**
 * The gateway on Miniflare directly: the bundle from `wrangler deploy --dry-run`, wrangler.toml's
 * bindings, state persisted under `persistRoot` (npm start's is `<data dir>/v3`, so a bench can
 * measure both paths over the same catalog). Miniflare 5's V4 options call it
 * `resourcePersistencePath`; the `defaultPersistRoot` given before was dropped, so state lived in memory.
 */
export async function startDirect(dataDir: string, persistRoot: string = join(dataDir, "state")): Promise<{ baseUrl: string; dispose: () => Promise<void> }> {
  const out = join(dataDir, "bundle");
  const built = spawnSync(join(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", out], {
    cwd: ROOT,
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`wrangler dry run failed: ${built.stderr}`);
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
  const options = workerOptions as unknown as Record<string, unknown>;
  delete options.artifacts; // cloud only; the GIT binding stands in locally, as in npm start
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // Miniflare 5's own options come from the V4 shape wrangler's helper answers in.
  const v5 = convertV4MiniflareOptions({
    host: "127.0.0.1",
    port,
    resourcePersistencePath: persistRoot,
    workers: [
      {
        ...(options as object),
        name: "executor",
        modulesRoot: out,
        // The bundle as wrangler wrote it: the entry module, and the SQL migrations and zod as text.
        modules: ["index.js", ...readdirSync(out).filter((f) => f !== "index.js" && !f.endsWith(".map"))].map((file) => ({ type: file.endsWith(".js") ? "ESModule" : "Text", path: join(out, file), contents: readFileSync(join(out, file), "utf8") })),
        bindings: { ...((options.bindings as object) ?? {}), VAULT_KEY, PUBLIC_URL: baseUrl, AUTH_RATE_LIMITS: "signup-ip=1000/3600,login-ip=1000/900,login-email=1000/900" },
        serviceBindings: { ...((options.serviceBindings as object) ?? {}), GIT: createGitBackend({ root: join(dataDir, "artifacts") }) },
      } as never,
    ],
  } as never);
  const mf = new Miniflare(v5);
  await mf.ready;
  return { baseUrl, dispose: () => mf.dispose() };
}

type Figures = { name: string; rows: Record<string, number[]>; stages: Record<string, number[]>; concurrent: { perSecond: number; p50: number } };

async function measure(name: string, base: string, upstream: string): Promise<Figures> {
  const owner = await signUpWithKey(base, `bench-paths-${name}@example.com`);
  const auth = { authorization: `Bearer ${owner.key}` };
  const json = { ...auth, "content-type": "application/json" };
  const added = await fetch(`${base}/v1/sources`, { method: "POST", headers: json, body: JSON.stringify({ slug: "pets", kind: "openapi", config: { url: `${upstream}/openapi.json` }, local: true, connection: { name: "work", secret: "bench" } }) });
  if (added.status !== 201) throw new Error(`source: ${added.status} ${await added.text()}`);
  const address = `pets.${owner.orgId}.work.getPet`;
  const requests: Record<string, () => Promise<Response>> = {
    "bare 404": () => fetch(`${base}/nothing-here`),
    "/v1/me": () => fetch(`${base}/v1/me`, { headers: auth }),
    describe: () => fetch(`${base}/v1/tools/describe?address=${encodeURIComponent(address)}`, { headers: auth }),
    call: () => fetch(`${base}/v1/call`, { method: "POST", headers: json, body: JSON.stringify({ address, arguments: { petId: 1 } }) }),
    "upstream direct": () => fetch(`${upstream}/pets/1`, { headers: { authorization: "Bearer bench" } }),
  };
  const rows: Record<string, number[]> = {};
  const stages: Record<string, number[]> = {};
  for (let i = 0; i < 20; i++) for (const r of Object.values(requests)) await (await r()).arrayBuffer();
  for (let i = 0; i < ROUNDS; i++) {
    for (const [label, request] of Object.entries(requests)) {
      const t0 = performance.now();
      const res = await request();
      await res.arrayBuffer();
      (rows[label] ??= []).push(performance.now() - t0);
      if (label === "call") {
        for (const part of (res.headers.get("server-timing") ?? "").split(",")) {
          const m = /^\s*([a-z_]+);dur=([\d.]+)/.exec(part);
          if (m?.[1] && m[2]) (stages[m[1]] ??= []).push(Number(m[2]));
        }
      }
    }
  }
  // One org at concurrency 16: the calls per second each path sustains.
  const c16 = await load(async () => void (await (await requests.call?.())?.arrayBuffer()), ROUNDS * 2, 16);
  return { name, rows, stages, concurrent: { perSecond: (ROUNDS * 2 * 1000) / c16.wallMs, p50: percentile(c16.latencies, 50) } };
}

export async function runtimePathsBench(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "executor-bench-direct-"));
  const [platform, pets] = await Promise.all([startPlatform(), startPetstore()]);
  let direct: Awaited<ReturnType<typeof startDirect>> | undefined;
  try {
    direct = await startDirect(dataDir);
    const figures = [await measure("npm-start", platform.baseUrl, pets.url), await measure("direct", direct.baseUrl, pets.url)];
    const p = (xs: number[] | undefined, q: number): string => ms(percentile(xs ?? [0], q)).padStart(9);
    console.log(`\nruntime paths (${ROUNDS} rounds each, sequential; loopback pet store)`);
    console.log("path      | request         | p50       | p99");
    for (const f of figures) for (const [label, xs] of Object.entries(f.rows)) console.log(`${f.name.padEnd(9)} | ${label.padEnd(15)} | ${p(xs, 50)} | ${p(xs, 99)}`);
    for (const f of figures) {
      const overhead = percentile(f.rows.call ?? [0], 50) - percentile(f.rows["upstream direct"] ?? [0], 50);
      console.log(`${f.name}: call overhead over the upstream direct, p50: ${ms(overhead)}`);
      console.log(`${f.name}: one call by stage (median ms): ${Object.entries(f.stages).map(([s, xs]) => `${s} ${percentile(xs, 50).toFixed(2)}`).join(", ")}`);
      console.log(`${f.name}: one org at concurrency 16: ${f.concurrent.perSecond.toFixed(0)} calls/s, p50 ${ms(f.concurrent.p50)}`);
    }
  } finally {
    await direct?.dispose();
    await Promise.all([platform.stop(), pets.close()]);
    removeDataDir(platform.dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
