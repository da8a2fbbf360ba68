// CLI figures, one run: process start to exit for `executor --version` and `--help` against bare
// `node -e 0`, and `executor call` end to end (process start, config, request, output) against the
// same call through /v1/call and the upstream called directly. A real platform and pet store.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { signUpWithKey } from "../test/e2e/api";
import { removeDataDir, startPlatform } from "../test/e2e/platform";
import { startPetstore } from "../test/e2e/upstreams/petstore";
import { ms, percentile } from "./stats";

const ROUNDS = Number(process.env.BENCH_CLI_ROUNDS ?? 20);
const ROOT = resolve(import.meta.dirname, "..");

/** Wall time of one process, start to exit (async: the pet store answers from this process). */
async function timed(args: string[], env: Record<string, string>, input = ""): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  const code = await new Promise<number | null>((ok) => child.once("close", ok));
  const elapsed = performance.now() - t0;
  if (code !== 0) throw new Error(`${args.join(" ")} exited ${code}: ${stderr}`);
  return elapsed;
}

export async function cliBench(): Promise<void> {
  const configDir = mkdtempSync(join(tmpdir(), "executor-bench-cli-"));
  const env = { EXECUTOR_CONFIG_DIR: configDir };
  const [platform, pets] = await Promise.all([startPlatform(), startPetstore()]);
  try {
    const owner = await signUpWithKey(platform.baseUrl, "bench-cli@example.com");
    await fetch(`${platform.baseUrl}/v1/sources`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.key}`, "content-type": "application/json" },
      body: JSON.stringify({ slug: "pets", kind: "openapi", config: { url: `${pets.url}/openapi.json` }, local: true, connection: { name: "work", secret: "bench" } }),
    });
    await timed(["cli/bin/executor.mjs", "login", platform.baseUrl, "--api-key"], env, owner.key); // also builds cli/dist once
    const address = `pets.${owner.orgId}.work.getPet`;
    const node: number[] = [];
    const version: number[] = [];
    const help: number[] = [];
    const call: number[] = [];
    const http: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < 3; i++) await timed(["cli/bin/executor.mjs", "call", address, "--arg", "petId=1"], env);
    for (let i = 0; i < ROUNDS; i++) {
      node.push(await timed(["-e", "0"], env));
      version.push(await timed(["cli/bin/executor.mjs", "--version"], env));
      help.push(await timed(["cli/bin/executor.mjs", "--help"], env));
      call.push(await timed(["cli/bin/executor.mjs", "call", address, "--arg", "petId=1"], env));
      let t0 = performance.now();
      await (await fetch(`${platform.baseUrl}/v1/call`, { method: "POST", headers: { authorization: `Bearer ${owner.key}`, "content-type": "application/json" }, body: JSON.stringify({ address, arguments: { petId: 1 } }) })).arrayBuffer();
      http.push(performance.now() - t0);
      t0 = performance.now();
      await (await fetch(`${pets.url}/pets/1`, { headers: { authorization: "Bearer bench" } })).arrayBuffer();
      direct.push(performance.now() - t0);
    }
    const p50 = (xs: number[]): number => percentile(xs, 50);
    const line = (xs: number[]): string => `p50 ${ms(p50(xs))} p99 ${ms(percentile(xs, 99))}`;
    console.log(`\nCLI (${ROUNDS} rounds, each a new process; loopback pet store)`);
    console.log(`node -e 0 (process start alone):   ${line(node)}`);
    console.log(`executor --version:                ${line(version)}`);
    console.log(`executor --help (loads the bundle): ${line(help)}`);
    console.log(`executor call (end to end):        ${line(call)}`);
    console.log(`POST /v1/call (fetch in-process):  ${line(http)}`);
    console.log(`upstream direct:                   ${line(direct)}`);
    console.log(`executor call over /v1/call: +${ms(p50(call) - p50(http))}; --version over node -e 0: +${ms(p50(version) - p50(node))}`);
  } finally {
    await Promise.all([platform.stop(), pets.close()]);
    removeDataDir(platform.dataDir);
    rmSync(configDir, { recursive: true, force: true });
  }
}
