// GitHub's complete REST description (@octokit/openapi) imported through the running platform:
// wall time, tool count, and the peak resident memory of the workerd process that did the import.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { client, signUpWithKey } from "../test/e2e/api";
import { removeDataDir, startPlatform } from "../test/e2e/platform";

/** GitHub's own description, with $refs (not the pre-dereferenced copy the package also ships). */
function githubSpecPath(): string {
  return join(dirname(import.meta.dirname), "node_modules/@octokit/openapi/generated/api.github.com.json");
}

/** Peak RSS (VmHWM) of every workerd process, in MiB. */
function workerdPeakMiB(): number {
  let peak = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmd.includes("workerd")) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
    } catch {
      // process went away
    }
  }
  return peak;
}

export async function importGithub(): Promise<void> {
  const document = readFileSync(githubSpecPath(), "utf8");
  const platform = await startPlatform();
  try {
    const owner = await signUpWithKey(platform.baseUrl, "bench-import@example.com");
    const api = client(platform.baseUrl, owner.key);
    const before = workerdPeakMiB();
    const t0 = performance.now();
    const res = await api.post("/v1/sources", { slug: "github", kind: "openapi", config: { document: true }, document });
    const elapsed = performance.now() - t0;
    if (res.status !== 201) throw new Error(`import failed: ${res.status} ${res.text.slice(0, 500)}`);
    const added = (res.body.tools as { added: string[] }).added.length;
    console.log(`\nGitHub REST import (${(document.length / 1024 / 1024).toFixed(1)} MiB document, uploaded)`);
    console.log(`  tools: ${added}`);
    console.log(`  time:  ${(elapsed / 1000).toFixed(2)} s`);
    console.log(`  workerd peak RSS: ${workerdPeakMiB().toFixed(0)} MiB (before import: ${before.toFixed(0)} MiB; whole runtime, all isolates)`);
    const t1 = performance.now();
    const refresh = await api.post("/v1/sources/github/refresh", {});
    console.log(`  refresh from the stored document: ${((performance.now() - t1) / 1000).toFixed(2)} s, status ${refresh.status}`);
  } finally {
    await platform.stop();
    removeDataDir(platform.dataDir);
  }
}
