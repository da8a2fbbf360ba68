#!/usr/bin/env node
// `npm start`: the whole platform on this machine through wrangler dev (Miniflare/workerd), with
// real Durable Objects, Workflows, Worker Loader and KV, state persisted under EXECUTOR_DATA_DIR.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

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

const args = [
  "dev",
  "--config", "wrangler.toml",
  "--ip", host,
  "--port", String(port),
  "--persist-to", dataDir,
  "--inspector-port", String(Number(process.env.INSPECTOR_PORT ?? port + 10000)),
  "--show-interactive-dev-session=false",
  "--log-level", process.env.WRANGLER_LOG ?? "warn",
  "--env-file", secretsFile,
  // The origin OAuth clients see; issuer and resource identifiers derive from it.
  "--var", `PUBLIC_URL:${process.env.PUBLIC_URL ?? base}`,
];
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
  if (process.env[env]) args.push("--var", `${name}:${process.env[env]}`);
}
const child = spawn("wrangler", args, {
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
});

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// Announce the URLs once the gateway answers its health check.
const started = Date.now();
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
        ...lines,
        "",
      ].join("\n"),
    );
    break;
  } catch {
    if (Date.now() - started > 120_000) {
      console.error(`Executor did not answer at ${base}/healthz within 120s`);
      child.kill("SIGTERM");
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
