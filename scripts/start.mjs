#!/usr/bin/env node
// `npm start`: the whole platform on this machine through wrangler's dev server (Miniflare/workerd),
// with real Durable Objects, Workflows, Worker Loader and KV, state persisted under EXECUTOR_DATA_DIR.
// wrangler runs in this process (unstable_startWorker, the DevEnv `wrangler dev` uses) so that the
// artifact store's git backend can be a Node function handed to the Worker as the `GIT` binding.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createGitBackend } from "./git-backend.mjs";

// Read by wrangler when it loads, so they are set before the import below.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.WRANGLER_SEND_METRICS = "false";
const { unstable_startWorker } = await import("wrangler");

const port = Number(process.env.PORT ?? 8787);
const host = "127.0.0.1";
const dataDir = resolve(process.env.EXECUTOR_DATA_DIR ?? ".executor/state");
const base = `http://${host}:${port}`;
mkdirSync(dataDir, { recursive: true });

// Worker secrets for local runs: the vault key is made once per data folder and kept beside the
// state it protects; EXECUTOR_SECRET_* variables from this shell become env:// secrets.
const keyFile = `${dataDir}/vault.key`;
if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString("base64"), { mode: 0o600 });
const secretsFile = `${dataDir}/secrets.env`;
const secretLines = [`VAULT_KEY=${readFileSync(keyFile, "utf8").trim()}`];
for (const [name, value] of Object.entries(process.env)) {
  if (name.startsWith("EXECUTOR_SECRET_") && value !== undefined) secretLines.push(`${name}=${JSON.stringify(value)}`);
}
writeFileSync(secretsFile, `${secretLines.join("\n")}\n`, { mode: 0o600 });

// Plain-text vars override wrangler.toml [vars], as `wrangler dev --var` does.
/** @type {Record<string, { type: "plain_text"; value: string }>} */
const vars = {
  // The origin OAuth clients see; issuer and resource identifiers derive from it.
  PUBLIC_URL: { type: "plain_text", value: process.env.PUBLIC_URL ?? base },
};
// Optional overrides of wrangler.toml [vars] (tests use them for short token lifetimes and limits).
for (const [env, name] of [
  ["EXECUTOR_AUTH_RATE_LIMITS", "AUTH_RATE_LIMITS"],
  ["EXECUTOR_OAUTH_ACCESS_TOKEN_TTL", "OAUTH_ACCESS_TOKEN_TTL"],
  ["EXECUTOR_OAUTH_REFRESH_TOKEN_TTL", "OAUTH_REFRESH_TOKEN_TTL"],
  ["EXECUTOR_UPSTREAM_TIMEOUT_MS", "UPSTREAM_TIMEOUT_MS"],
  ["EXECUTOR_MCP_INLINE_RESULT_CHARS", "MCP_INLINE_RESULT_CHARS"],
  ["EXECUTOR_APPROVAL_TIMEOUT_SECONDS", "APPROVAL_TIMEOUT_SECONDS"],
  ["EXECUTOR_SCOPE_DAILY_CALLS", "SCOPE_DAILY_CALLS"],
]) {
  const value = process.env[env];
  if (value) vars[name] = { type: "plain_text", value };
}

const artifactsDir = `${dataDir}/artifacts`;
const started = Date.now();
/** @type {Awaited<ReturnType<typeof unstable_startWorker>> | undefined} */
let worker;
let ready = false;

/** Stops workerd. dispose() first waits for `ready`, which never settles after a failed start. */
async function stop() {
  if (!worker) return;
  const stopping = ready ? worker.dispose() : worker.raw.teardown();
  await Promise.race([stopping.catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await stop();
    process.exit(0);
  });
}

try {
  // The options of `wrangler dev --config --ip --port --inspector-port --persist-to --log-level
  // --env-file --var`, as wrangler's own setupDevEnv passes them (docs/artifact-store-research.md §2).
  worker = await unstable_startWorker({
    config: "wrangler.toml",
    envFiles: [secretsFile],
    bindings: {
      ...vars,
      GIT: { type: "fetcher", fetcher: createGitBackend({ root: artifactsDir }) },
    },
    dev: {
      remote: false,
      server: { hostname: host, port },
      inspector: { hostname: host, port: Number(process.env.INSPECTOR_PORT ?? port + 10000) },
      persist: dataDir,
      logLevel: process.env.WRANGLER_LOG ?? "warn",
      watch: false,
    },
  });
  // startWorker resolves before workerd listens; a runtime failure (such as a port in use) then
  // arrives only as an "error" event on the DevEnv, which wrangler logs at debug level, and `ready`
  // stays pending. So the first error before `ready` fails the start.
  const failed = new Promise((_, reject) => {
    worker?.raw.on("error", (/** @type {unknown} */ error) => {
      if (!ready) reject(error);
      else console.error(`wrangler: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  const late = new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`workerd did not start within 120s`)), 120_000).unref(),
  );
  await Promise.race([worker.ready, failed, late]);
  ready = true;
} catch (error) {
  await fail(error);
}

/**
 * Startup failed: print the cause chain (test/e2e/platform.ts retries when it reads
 * "Address already in use" / EADDRINUSE), stop workerd and exit 1.
 * @param {unknown} error
 */
async function fail(error) {
  const lines = [];
  for (let e = error; e !== undefined && e !== null && lines.length < 8; e = e instanceof Error ? e.cause : undefined) {
    lines.push(e instanceof Error ? e.message : String(e));
  }
  console.error(`Executor did not start: ${lines.join("\n  caused by: ")}`);
  await stop();
  process.exit(1);
}

// Announce the URLs once the gateway answers its health check.
for (;;) {
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(15_000) });
    const body = await res.json();
    const lines = Object.entries(body.checks ?? {}).map(([name, c]) => `    ${name.padEnd(14)} ${c.status}  ${c.detail}`);
    console.log(
      [
        "",
        `  Executor is running (${body.status}) in ${((Date.now() - started) / 1000).toFixed(1)}s`,
        `    Web       ${base}/`,
        `    MCP       ${base}/mcp`,
        `    API base  ${base}/v1`,
        `    Health    ${base}/healthz`,
        `    Data      ${dataDir}`,
        `    Artifacts ${artifactsDir}`,
        ...lines,
        "",
      ].join("\n"),
    );
    break;
  } catch {
    if (Date.now() - started > 120_000) {
      console.error(`Executor did not answer at ${base}/healthz within 120s`);
      await stop();
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
