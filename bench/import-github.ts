// GitHub's complete REST description (@octokit/openapi) imported through the running platform, on
// both runtime paths (`npm start`, whose wrangler proxy worker sits in front of ours, and the gateway
// on Miniflare/workerd directly): wall time of the first (cold) import and the median of re-imports,
// each broken down by the route's Server-Timing stages; the CPU time and peak resident memory of the
// platform's own workerd process (not any other workerd on the machine).
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { client, signUpWithKey } from "../test/e2e/api";
import { removeDataDir, startPlatform } from "../test/e2e/platform";
import { startDirect } from "./runtime-paths";

const REIMPORTS = Number(process.env.BENCH_IMPORT_ROUNDS ?? 3);

/** GitHub's own description, with $refs (not the pre-dereferenced copy the package also ships). */
function githubSpecPath(): string {
  return join(dirname(import.meta.dirname), "node_modules/@octokit/openapi/generated/api.github.com.json");
}

type Proc = { pid: number; ppid: number; cmd: string };

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      out.push({ pid: Number(entry), ppid: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]), cmd: readFileSync(`/proc/${entry}/cmdline`, "utf8") });
    } catch {
      // process went away
    }
  }
  return out;
}

/** The workerd processes started under `root` (wrangler's or Miniflare's), whatever else runs here. */
function workerdUnder(root: number): number[] {
  const all = processes();
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!tree.has(p.ppid) || tree.has(p.pid)) continue;
      tree.add(p.pid);
      grew = true;
    }
  }
  return all.filter((p) => tree.has(p.pid) && p.cmd.includes("workerd")).map((p) => p.pid);
}

/** The `npm start` process serving `dataDir` (test/e2e/platform.ts passes it in its environment). */
function platformRoot(dataDir: string): number {
  for (const p of processes()) {
    try {
      if (p.cmd.includes("start.mjs") && readFileSync(`/proc/${p.pid}/environ`, "utf8").split("\0").includes(`EXECUTOR_DATA_DIR=${dataDir}`)) return p.pid;
    } catch {
      // not ours to read
    }
  }
  throw new Error("the platform's process was not found");
}

/** Peak resident memory (VmHWM, MiB) and CPU time (user + system, ms) summed over `pids`. */
function usage(pids: number[]): { peakMiB: number; cpuMs: number } {
  let peakMiB = 0;
  let cpuMs = 0;
  for (const pid of pids) {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (hwm) peakMiB = Math.max(peakMiB, Number(hwm[1]) / 1024);
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      cpuMs += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks (USER_HZ 100)
    } catch {
      // process went away
    }
  }
  return { peakMiB, cpuMs };
}

type Round = { ms: number; cpuMs: number; stages: Map<string, number> };

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** One import of the pre-serialized body: the client's JSON.stringify of 13 MB is not the platform's time. */
async function importOnce(baseUrl: string, key: string, body: string, pids: number[]): Promise<Round> {
  const before = usage(pids).cpuMs;
  const t0 = performance.now();
  const res = await fetch(`${baseUrl}/v1/sources`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 201) throw new Error(`import failed: ${res.status} ${text.slice(0, 500)}`);
  const stages = new Map<string, number>();
  for (const m of (res.headers.get("server-timing") ?? "").matchAll(/([a-z_]+);dur=([\d.]+)/g)) stages.set(m[1] ?? "", Number(m[2]));
  return { ms, cpuMs: usage(pids).cpuMs - before, stages };
}

function line(label: string, rounds: Round[]): string {
  const names = [...(rounds[0]?.stages.keys() ?? [])];
  const stages = names.map((n) => `${n} ${median(rounds.map((r) => r.stages.get(n) ?? NaN)).toFixed(0)}`).join(", ");
  return `  ${label.padEnd(24)} ${(median(rounds.map((r) => r.ms)) / 1000).toFixed(2)} s  (workerd CPU ${(median(rounds.map((r) => r.cpuMs)) / 1000).toFixed(2)} s; server ms: ${stages})`;
}

/** The cold import, then re-imports (each after removing the source) on one running platform. */
async function importRounds(name: string, baseUrl: string, pidsOf: () => number[], body: string): Promise<string> {
  const owner = await signUpWithKey(baseUrl, `bench-import-${name.replace(/\W/g, "")}@example.com`);
  const api = client(baseUrl, owner.key);
  const pids = pidsOf();
  const before = usage(pids).peakMiB;
  const cold = await importOnce(baseUrl, owner.key, body, pids);
  const afterCold = usage(pids).peakMiB;
  const tools = ((await api.get("/v1/sources/github/tools")).body.tools as unknown[]).length;
  const warm: Round[] = [];
  for (let i = 0; i < REIMPORTS; i++) {
    if ((await api.delete("/v1/sources/github")).status !== 200) throw new Error("could not remove the source between rounds");
    warm.push(await importOnce(baseUrl, owner.key, body, pids));
  }
  const refreshed = performance.now();
  const refresh = await api.post("/v1/sources/github/refresh", {});
  const refreshS = ((performance.now() - refreshed) / 1000).toFixed(2);
  return [
    `\n  ${name}: ${tools} tools`,
    line("first import (cold)", [cold]),
    line(`re-import (median of ${warm.length})`, warm),
    `  refresh from the stored document: ${refreshS} s, status ${refresh.status}`,
    `  workerd peak RSS: ${afterCold.toFixed(0)} MiB after the first import, ${usage(pids).peakMiB.toFixed(0)} MiB after all (${before.toFixed(0)} MiB before; the platform's own workerd, all isolates)`,
  ].join("\n");
}

export async function importGithub(): Promise<void> {
  const document = readFileSync(githubSpecPath(), "utf8");
  const body = JSON.stringify({ slug: "github", kind: "openapi", config: { document: true }, document });
  console.log(`\nGitHub REST import (${(document.length / 1024 / 1024).toFixed(1)} MiB document, uploaded as a ${(body.length / 1024 / 1024).toFixed(1)} MiB body serialized before the clock starts)`);

  const platform = await startPlatform();
  try {
    console.log(await importRounds("npm start (wrangler proxy in front)", platform.baseUrl, () => workerdUnder(platformRoot(platform.dataDir)), body));
  } finally {
    await platform.stop();
    removeDataDir(platform.dataDir);
  }

  const dataDir = mkdtempSync(join(tmpdir(), "executor-import-direct-"));
  try {
    const direct = await startDirect(dataDir);
    try {
      console.log(await importRounds("Miniflare directly (no proxy)", direct.baseUrl, () => workerdUnder(process.pid), body));
    } finally {
      await direct.dispose();
    }
  } finally {
    removeDataDir(dataDir);
  }
}
