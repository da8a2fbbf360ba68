#!/usr/bin/env node
// Runs every server scenario of the MCP conformance suite (@modelcontextprotocol/conformance)
// against a running Executor's /mcp, and holds the outcome to
// test/conformance/mcp/expected-failures.json: the scenarios that do not apply to a gateway, each
// with its reason. Exits 1 when a scenario fails that is not listed, or a listed one passes (so the
// list stays honest), 2 when it cannot run at all, 0 otherwise.
//
//   EXECUTOR_URL=http://127.0.0.1:8787 EXECUTOR_API_KEY=exk_… node scripts/mcp-conformance.mjs
//
// Optional: MCP_CONFORMANCE_BIN (the CLI; default node_modules/.bin/conformance),
// MCP_CONFORMANCE_SCENARIOS (comma-separated subset), MCP_CONFORMANCE_TIMEOUT_MS (per scenario,
// default 60000), MCP_CONFORMANCE_OUTPUT_DIR (keep every scenario's checks.json there),
// MCP_CONFORMANCE_VERBOSE=1 (a line per scenario).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startAuthProxy } from "./mcp-auth-proxy.mjs";

const root = resolve(import.meta.dirname, "..");
const EXPECTED_FILE = join(root, "test/conformance/mcp/expected-failures.json");

/** @param {string} message @returns {never} */
function usage(message) {
  console.error(`mcp-conformance: ${message}`);
  process.exit(2);
}

/**
 * Runs the conformance CLI with this Node (its shebang's `node` may be an older one on PATH; the
 * CLI needs Node 22 for fs.globSync).
 * @param {string} bin @param {string[]} args @param {number} timeoutMs
 * @returns {Promise<{ code: number | null; output: string; timedOut: boolean }>}
 */
function runCli(bin, args, timeoutMs) {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.once("close", (code) => {
      clearTimeout(timer);
      ok({ code, output, timedOut });
    });
  });
}

/** @param {string} dir @returns {string[]} every checks.json below dir */
function findChecks(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((p) => p === "checks.json" || p.endsWith("/checks.json"))
    .map((p) => join(dir, p));
}

/**
 * @typedef {{ id: string; name: string; status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED"; errorMessage?: string }} Check
 * @typedef {{ scenario: string; passed: boolean; detail: string }} Outcome
 */

/**
 * A scenario passes when it recorded checks and none is FAILURE or WARNING: the same rule the CLI's
 * own `--expected-failures` baseline applies.
 * @param {string} scenario @param {{ code: number | null; output: string; timedOut: boolean }} run @param {string} dir
 * @returns {Outcome}
 */
function judge(scenario, run, dir) {
  const files = findChecks(dir);
  if (run.timedOut) return { scenario, passed: false, detail: "timed out" };
  if (files.length === 0) {
    const tail = run.output.trim().split("\n").slice(-3).join(" | ");
    return { scenario, passed: false, detail: `no checks recorded (exit ${run.code}): ${tail}` };
  }
  /** @type {Check[]} */
  const checks = files.flatMap((f) => JSON.parse(readFileSync(f, "utf8")));
  const bad = checks.filter((c) => c.status === "FAILURE" || c.status === "WARNING");
  const passed = bad.length === 0 && checks.some((c) => c.status === "SUCCESS");
  const detail = bad.length
    ? bad.map((c) => `${c.status} ${c.name}${c.errorMessage ? `: ${c.errorMessage}` : ""}`).join("; ")
    : passed
      ? `${checks.filter((c) => c.status === "SUCCESS").length} checks passed`
      : "no successful check";
  return { scenario, passed, detail };
}

/** @param {unknown} value @returns {Map<string, string>} scenario → reason */
function parseExpected(value) {
  if (!Array.isArray(value)) usage(`${EXPECTED_FILE}: expected a JSON array of {scenario, reason}`);
  /** @type {Map<string, string>} */
  const map = new Map();
  for (const entry of value) {
    const ok = entry && typeof entry.scenario === "string" && typeof entry.reason === "string" && entry.reason.trim() !== "";
    if (!ok) usage(`${EXPECTED_FILE}: every entry needs a scenario and a non-empty reason: ${JSON.stringify(entry)}`);
    if (map.has(entry.scenario)) usage(`${EXPECTED_FILE}: ${entry.scenario} is listed twice`);
    map.set(entry.scenario, entry.reason);
  }
  return map;
}

async function main() {
  if (Number(process.versions.node.split(".")[0]) < 22) usage(`needs Node 22 or later (this is ${process.version}); run it with node_modules/.bin/node`);
  const base = process.env.EXECUTOR_URL;
  const key = process.env.EXECUTOR_API_KEY;
  if (!base || !key) usage("set EXECUTOR_URL (the platform's origin) and EXECUTOR_API_KEY (an exk_… key or OAuth token)");
  const binPath = process.env.MCP_CONFORMANCE_BIN ?? join(root, "node_modules/.bin/conformance");
  if (!existsSync(binPath)) usage(`no conformance CLI at ${binPath}: add @modelcontextprotocol/conformance to devDependencies, or set MCP_CONFORMANCE_BIN`);
  const bin = realpathSync(binPath);
  const timeoutMs = Number(process.env.MCP_CONFORMANCE_TIMEOUT_MS ?? 60_000);
  const verbose = process.env.MCP_CONFORMANCE_VERBOSE === "1";

  const expected = parseExpected(JSON.parse(readFileSync(EXPECTED_FILE, "utf8")));

  const listed = await runCli(bin, ["list", "--server"], timeoutMs);
  if (listed.code !== 0) usage(`conformance list failed (exit ${listed.code}):\n${listed.output}`);
  const all = [...listed.output.matchAll(/^\s+- (\S+)/gm)].map((m) => m[1] ?? "");
  if (all.length === 0) usage(`conformance list printed no server scenarios:\n${listed.output}`);
  const unknown = [...expected.keys()].filter((s) => !all.includes(s));
  if (unknown.length) usage(`${EXPECTED_FILE} lists scenarios the suite does not have: ${unknown.join(", ")}`);

  const subset = process.env.MCP_CONFORMANCE_SCENARIOS?.split(",").map((s) => s.trim()).filter(Boolean);
  const missing = subset?.filter((s) => !all.includes(s)) ?? [];
  if (missing.length) usage(`unknown scenarios in MCP_CONFORMANCE_SCENARIOS: ${missing.join(", ")}`);
  const scenarios = subset ?? all;

  const keepDir = process.env.MCP_CONFORMANCE_OUTPUT_DIR;
  const outDir = keepDir ? resolve(keepDir) : mkdtempSync(join(tmpdir(), "mcp-conformance-"));
  mkdirSync(outDir, { recursive: true });

  const proxy = await startAuthProxy(new URL("/mcp", base), key);
  /** @type {Outcome[]} */
  const outcomes = [];
  try {
    for (const [i, scenario] of scenarios.entries()) {
      // One CLI run per scenario: each gets its own result folder and time limit.
      const dir = join(outDir, `${String(i).padStart(2, "0")}-${scenario.replaceAll("/", "_")}`);
      const run = await runCli(bin, ["server", "--url", proxy.url, "--scenario", scenario, "--output-dir", dir], timeoutMs);
      const outcome = judge(scenario, run, dir);
      outcomes.push(outcome);
      if (verbose) console.log(`${outcome.passed ? "pass" : "fail"} ${scenario}: ${outcome.detail}`);
    }
  } finally {
    await proxy.close();
  }

  const unexpectedFailures = outcomes.filter((o) => !o.passed && !expected.has(o.scenario));
  const unexpectedPasses = outcomes.filter((o) => o.passed && expected.has(o.scenario));
  const expectedFailures = outcomes.filter((o) => !o.passed && expected.has(o.scenario));
  const passed = outcomes.filter((o) => o.passed && !expected.has(o.scenario));

  for (const o of unexpectedFailures) console.log(`UNEXPECTED FAILURE ${o.scenario}: ${o.detail}`);
  for (const o of unexpectedPasses) {
    console.log(`UNEXPECTED PASS ${o.scenario}: listed as not applicable ("${expected.get(o.scenario)}"); remove it from expected-failures.json`);
  }
  const failed = unexpectedFailures.length + unexpectedPasses.length > 0;
  if (failed) console.log(`checks.json of every scenario: ${outDir}`);
  else if (!keepDir) rmSync(outDir, { recursive: true, force: true });

  console.log(
    `mcp-conformance: ${outcomes.length} scenarios, ${passed.length} passed, ${expectedFailures.length} not applicable (failed as listed), ` +
      `${unexpectedFailures.length} unexpected failures, ${unexpectedPasses.length} unexpected passes: ${failed ? "FAIL" : "OK"}`,
  );
  process.exit(failed ? 1 : 0);
}

await main();
