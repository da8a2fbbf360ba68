import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build, type Plugin } from "esbuild";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitBackend } from "../../scripts/git-backend.mjs";
import type { ArtifactCommit } from "../../workers/gateway/artifacts/store";

// The cloud artifact store (workers/gateway/artifacts/cloud-store.ts) against Miniflare's own local
// Artifacts simulator: a git sidecar plus `git http-backend`. The pinned wrangler and vitest plugin
// cannot switch the simulator on (docs/artifact-store-research.md §1), so this test bundles a tiny
// worker and starts Miniflare with native options and `dev: { remote: false }` on the binding.

const root = resolve(import.meta.dirname, "../..");

/** Git ≥ 2.32 on PATH, which the simulator requires; null when absent or older. */
function gitVersion(): string | null {
  try {
    const [, major = 0, minor = 0] = /(\d+)\.(\d+)/.exec(execFileSync("git", ["--version"], { encoding: "utf8" }))?.map(Number) ?? [];
    return major > 2 || (major === 2 && minor >= 32) ? `${major}.${minor}` : null;
  } catch {
    return null;
  }
}
const git = gitVersion();
if (!git) console.warn("artifacts-cloud-store: skipped, Miniflare's Artifacts simulator needs git >= 2.32 on PATH");

// The worker drives the store through `artifactStore(env)`, the same choice the gateway makes: with
// no GIT binding it is the cloud store, with `remoteOnlyFetch` as its git transport.
const WORKER = `
import { ArtifactConflict, artifactStore, remoteOnlyFetch } from "./workers/gateway/artifacts/store";
export default {
  async fetch(request, env) {
    const { op, repo, args = [] } = await request.json();
    try {
      if (op === "gitFetch") return Response.json({ ok: true, result: (await remoteOnlyFetch(env.ARTIFACTS)(args[0], {})).status });
      const result = await artifactStore({ ARTIFACTS: env.ARTIFACTS })[op](repo, ...args);
      return Response.json({ ok: true, result });
    } catch (error) {
      const conflict = error instanceof ArtifactConflict;
      return Response.json({ ok: false, conflict, head: conflict ? error.head : undefined, message: String(error?.message ?? error) });
    }
  },
};`;

/** `require("buffer")` in sha.js/safe-buffer: plain esbuild cannot bundle it for workerd; map it to the ESM builtin. */
const nodeRequire: Plugin = {
  name: "node-require",
  setup(b) {
    const builtin = new RegExp(`^(node:)?(${builtinModules.filter((m) => !m.startsWith("_")).join("|")})$`);
    b.onResolve({ filter: builtin }, (a) =>
      a.kind === "require-call"
        ? { path: a.path.replace(/^node:/, ""), namespace: "node-require" }
        : { path: a.path.startsWith("node:") ? a.path : `node:${a.path}`, external: true },
    );
    b.onLoad({ filter: /.*/, namespace: "node-require" }, (a) => ({ contents: `export * from "node:${a.path}";`, loader: "js" }));
  },
};

type Answer = { ok: true; result: unknown } | { ok: false; conflict: boolean; head?: string | null; message: string };

describe.skipIf(!git)("cloud artifact store on Miniflare's Artifacts simulator", () => {
  let state: string;
  let mf: Miniflare;
  const author = { name: "Ada", email: "ada@example.com" };

  async function call(op: string, repo: string, ...args: unknown[]): Promise<Answer> {
    const res = await mf.dispatchFetch("http://worker/", { method: "POST", body: JSON.stringify({ op, repo, args }) });
    return (await res.json()) as Answer;
  }
  async function ok<T>(op: string, repo: string, ...args: unknown[]): Promise<T> {
    const answer = await call(op, repo, ...args);
    if (!answer.ok) throw new Error(`${op} failed: ${answer.message}`);
    return answer.result as T;
  }
  const commit = (repo: string, files: Record<string, string>, message: string, expectedHead: string | null) =>
    ok<ArtifactCommit>("commit", repo, { files, author, message, expectedHead });

  beforeAll(async () => {
    state = mkdtempSync(join(tmpdir(), "executor-artifacts-sim-"));
    const bundle = await build({
      stdin: { contents: WORKER, resolveDir: root, loader: "ts", sourcefile: "sim-worker.ts" },
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2023",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"],
      external: ["cloudflare:*"],
      plugins: [nodeRequire],
      write: false,
      logLevel: "warning",
    });
    const options = convertV4MiniflareOptions({
      modulesRoot: state,
      modules: [{ type: "ESModule", path: join(state, "worker.mjs"), contents: bundle.outputFiles[0]?.text ?? "" }],
      compatibilityDate: "2026-11-01",
      compatibilityFlags: ["nodejs_compat", "global_fetch_strictly_public"],
    });
    const worker = options.workers[0];
    if (!worker) throw new Error("convertV4MiniflareOptions returned no worker");
    worker.config.env = { ...worker.config.env, ARTIFACTS: { type: "artifacts", namespace: "executor", dev: { remote: false } } };
    mf = new Miniflare({ ...options, resourcePersistencePath: state });
    await mf.ready;
  });

  afterAll(async () => {
    try {
      await mf?.dispose();
    } finally {
      if (state) rmSync(state, { recursive: true, force: true });
    }
  });

  it("commits on an empty repository, then on top of the expected head", async () => {
    const repo = "cloud-basic";
    expect(await ok("head", repo)).toBeNull();
    expect(await ok("log", repo)).toEqual([]);
    expect(await ok("files", repo, "main")).toBeNull();

    const c1 = await commit(repo, { "tools/weather.ts": "export default 'sunny';\n", "skills/weather/SKILL.md": "# Weather\n" }, "add weather", null);
    expect(c1).toMatchObject({ message: "add weather", author, parents: [] });
    expect(Math.abs(c1.at - Date.now())).toBeLessThan(60_000);
    expect(await ok("head", repo)).toBe(c1.commit);

    const c2 = await commit(repo, { "tools/weather.ts": "export default 'rain';\n" }, "rain\n", c1.commit);
    expect(c2).toMatchObject({ message: "rain", parents: [c1.commit] });
    expect(await ok("head", repo)).toBe(c2.commit);

    // Files at the older commit, at the branch, and at an unknown ref.
    expect(await ok("files", repo, c1.commit)).toEqual({
      "skills/weather/SKILL.md": "# Weather\n",
      "tools/weather.ts": "export default 'sunny';\n",
    });
    expect(await ok("files", repo, "main")).toEqual({ "tools/weather.ts": "export default 'rain';\n" });
    expect(await ok("files", repo, "nope")).toBeNull();
    expect(await ok("files", repo, "0".repeat(40))).toBeNull();

    // History newest first, in the same shape commit() returned, and honouring the limit.
    expect(await ok("log", repo)).toEqual([c2, c1]);
    expect(await ok("log", repo, { limit: 1 })).toEqual([c2]);
  });

  it("refuses a stale expectedHead with ArtifactConflict carrying the current head", async () => {
    const repo = "cloud-conflict";
    const c1 = await commit(repo, { a: "1" }, "one", null);
    const c2 = await commit(repo, { a: "2" }, "two", c1.commit);
    expect(await call("commit", repo, { files: { a: "3" }, author, message: "three", expectedHead: c1.commit })).toMatchObject({
      ok: false,
      conflict: true,
      head: c2.commit,
    });
    // A repository that already exists is no place for a root commit either.
    expect(await call("commit", repo, { files: { a: "0" }, author, message: "root", expectedHead: null })).toMatchObject({
      conflict: true,
      head: c2.commit,
    });
    expect(await ok("head", repo)).toBe(c2.commit);
  });

  it("lets exactly one of two concurrent writers on the same head win", async () => {
    const repo = "cloud-race";
    const c1 = await commit(repo, { a: "1" }, "one", null);
    const answers = await Promise.all(
      ["left", "right"].map((side) => call("commit", repo, { files: { a: side }, author, message: side, expectedHead: c1.commit })),
    );
    const won = answers.filter((a) => a.ok);
    expect(won).toHaveLength(1);
    const winner = (won[0] as { result: ArtifactCommit }).result;
    expect(answers.find((a) => !a.ok)).toMatchObject({ conflict: true, head: winner.commit });
    expect(await ok("head", repo)).toBe(winner.commit);
  });

  it("builds the same trees as the local backend (scripts/git-backend.mjs)", async () => {
    const files = { "tools/a.ts": "export default 1;\n", "skills/x/SKILL.md": "# X\n", "README.md": "hi\n" };
    const cloud = await commit("cloud-parity", files, "parity", null);
    const localRoot = mkdtempSync(join(tmpdir(), "executor-artifacts-local-"));
    try {
      const backend = createGitBackend({ root: localRoot });
      const res = await backend(new Request("http://git.local/repos/parity/commit", {
        method: "POST",
        body: JSON.stringify({ files, author, message: "parity", expectedHead: null }),
      }));
      expect(((await res.json()) as ArtifactCommit).tree).toBe(cloud.tree);
    } finally {
      rmSync(localRoot, { recursive: true, force: true });
    }
  });

  it("refuses invalid input and git requests outside the repository's remote", async () => {
    expect(await call("commit", "cloud-bad", { files: { "../x": "1" }, author, message: "m", expectedHead: null })).toMatchObject({ ok: false, conflict: false });
    expect(await call("head", "../escape")).toMatchObject({ ok: false, message: expect.stringContaining("not an artifact repository name") });
    await commit("cloud-guard", { a: "1" }, "one", null);
    expect(await call("gitFetch", "", "http://127.0.0.1:9/git/executor/cloud-guard.git/info/refs")).toMatchObject({
      ok: false,
      message: expect.stringContaining("refusing a git request"),
    });
    expect(await call("gitFetch", "", "https://example.com/elsewhere")).toMatchObject({ ok: false });
  });

  it("leaves repositories that pass git fsck --strict", () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        if (entry.name.endsWith(".git")) found.push(join(dir, entry.name));
        else walk(join(dir, entry.name));
      }
    };
    walk(join(state, "artifacts"));
    expect(found.length).toBeGreaterThanOrEqual(5);
    for (const gitdir of found) execFileSync("git", ["--git-dir", gitdir, "fsck", "--strict"], { stdio: "pipe" });
  });
});
