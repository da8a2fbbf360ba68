import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { CliError, EXIT } from "../context";
import { packageRoot } from "./root";

const MiB = 1024 * 1024;
/**
 * Workers limits on a Worker's size: 64 MiB uncompressed on every plan (what wrangler 4.156's own
 * bundle reporter checks), and the earlier compressed limits, 3 MiB (Free) and 10 MiB (Paid).
 */
export const WORKER_LIMITS = { uncompressed: 64 * MiB, compressedFree: 3 * MiB, compressedPaid: 10 * MiB };

export type SelfHostOptions = { dryRun?: boolean; env?: string; publicUrl?: string; outdir?: string };
export type BundleReport = { dryRun: true; modules: number; bytes: number; gzipBytes: number; limits: typeof WORKER_LIMITS; fits: { uncompressed: boolean; free: boolean; paid: boolean }; outdir: string | null };
export type DeployReport = { dryRun: false; publicUrl: string; vaultKey: "created" | "kept" };

type Ran = { code: number; stdout: string; stderr: string };

/** wrangler of this package, on the Node that runs the CLI (wrangler 4 needs Node 22). */
function wrangler(args: string[], opts: { input?: string; capture: boolean; offline: boolean }): Promise<Ran> {
  const require = createRequire(join(packageRoot(), "package.json"));
  const bin = join(dirname(require.resolve("wrangler")), "..", "bin", "wrangler.js");
  const env: NodeJS.ProcessEnv = { ...process.env, WRANGLER_SEND_METRICS: "false" };
  if (opts.offline) env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: packageRoot(),
    env,
    // wrangler's own output goes to stderr: stdout carries only this command's result.
    stdio: [opts.input === undefined ? "ignore" : "pipe", opts.capture ? "pipe" : 2, opts.capture ? "pipe" : 2],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  // A secret goes to wrangler on stdin, never on argv.
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  return new Promise((ok, fail) => {
    child.once("error", fail);
    child.once("close", (code) => ok({ code: code ?? 1, stdout, stderr }));
  });
}

/** The Worker's modules as wrangler uploads them (source maps and its README excluded). */
function measure(outdir: string): { modules: number; bytes: number; gzipBytes: number } {
  const files = readdirSync(outdir).filter((f) => !f.endsWith(".map") && f !== "README.md").sort();
  const contents = files.map((f) => readFileSync(join(outdir, f)));
  return { modules: files.length, bytes: contents.reduce((n, c) => n + c.length, 0), gzipBytes: gzipSync(Buffer.concat(contents)).length };
}

function origin(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`--public-url '${url}' is not a URL`, EXIT.usage);
  }
  if (parsed.protocol !== "https:" || parsed.pathname !== "/" || parsed.search) throw new CliError("--public-url must be an https origin such as https://executor.example.com", EXIT.usage);
  return parsed.origin;
}

/**
 * The names in `wrangler secret list --format json`: the JSON array that ends its stdout, found after
 * any other lines (debug output, warnings). null when stdout does not end in such an array.
 */
export function secretNames(stdout: string): string[] | null {
  const text = stdout.trim();
  if (!text.endsWith("]")) return null;
  const starts = [0, ...[...text.matchAll(/\n[ \t]*\[/g)].map((m) => m.index + m[0].indexOf("["))].filter((i) => text[i] === "[");
  for (const start of starts) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.slice(start));
    } catch {
      continue;
    }
    if (Array.isArray(parsed) && parsed.every((s) => typeof s === "object" && s !== null && typeof (s as { name?: unknown }).name === "string")) {
      return parsed.map((s) => (s as { name: string }).name);
    }
  }
  return null;
}

/**
 * Whether VAULT_KEY is set, from `wrangler secret list`. It seals every stored secret, so it is put
 * only when it is positively absent; an answer that cannot be read stops the deploy instead.
 */
export function vaultKeyState(listed: { code: number; stdout: string; stderr: string }): "present" | "absent" {
  const names = listed.code === 0 ? secretNames(listed.stdout) : null;
  if (names) return names.includes("VAULT_KEY") ? "present" : "absent";
  const why = listed.code !== 0 ? `wrangler secret list failed (exit ${listed.code}): ${(listed.stderr || listed.stdout).trim().split("\n")[0] ?? ""}` : "the output of wrangler secret list could not be read";
  throw new CliError(
    `${why}; not setting VAULT_KEY, since replacing an existing one makes every stored secret unreadable. Check with: npx wrangler secret list; if VAULT_KEY is missing, set it once with: openssl rand -base64 32 | npx wrangler secret put VAULT_KEY`,
    EXIT.failed,
  );
}

/**
 * `wrangler deploy` of this package's wrangler.toml as production: EXECUTOR_ENV=production and the
 * public URL as vars; the vault key set once with `wrangler secret put` (never replaced: it seals every
 * stored secret). `dryRun` builds the bundle offline and measures it against the Workers limits.
 */
export async function selfHost(opts: SelfHostOptions): Promise<BundleReport | DeployReport> {
  const base = ["--config", join(packageRoot(), "wrangler.toml"), ...(opts.env ? ["--env", opts.env] : [])];
  const vars = ["--var", "EXECUTOR_ENV:production", ...(opts.publicUrl ? ["--var", `PUBLIC_URL:${origin(opts.publicUrl)}`] : [])];
  if (opts.dryRun) {
    const outdir = opts.outdir ?? mkdtempSync(join(tmpdir(), "executor-bundle-"));
    try {
      const ran = await wrangler(["deploy", ...base, ...vars, "--dry-run", "--outdir", outdir], { capture: true, offline: true });
      if (ran.code !== 0) throw new CliError(`wrangler deploy --dry-run failed:\n${(ran.stderr || ran.stdout).trim()}`, EXIT.failed);
      const size = measure(outdir);
      const L = WORKER_LIMITS;
      return { dryRun: true, ...size, limits: L, fits: { uncompressed: size.bytes <= L.uncompressed, free: size.gzipBytes <= L.compressedFree, paid: size.gzipBytes <= L.compressedPaid }, outdir: opts.outdir ?? null };
    } finally {
      if (!opts.outdir) rmSync(outdir, { recursive: true, force: true });
    }
  }
  if (!opts.publicUrl) throw new CliError("a real deploy needs --public-url https://<your host> (the origin OAuth clients and users reach)", EXIT.usage);
  const deployed = await wrangler(["deploy", ...base, ...vars], { capture: false, offline: false });
  if (deployed.code !== 0) throw new CliError(`wrangler deploy failed (exit ${deployed.code})`, EXIT.failed);
  const listed = await wrangler(["secret", "list", "--format", "json", ...base], { capture: true, offline: false });
  if (vaultKeyState(listed) === "present") return { dryRun: false, publicUrl: origin(opts.publicUrl), vaultKey: "kept" };
  const put = await wrangler(["secret", "put", "VAULT_KEY", ...base], { input: randomBytes(32).toString("base64"), capture: true, offline: false });
  if (put.code !== 0) throw new CliError(`wrangler secret put VAULT_KEY failed:\n${put.stderr.trim()}`, EXIT.failed);
  return { dryRun: false, publicUrl: origin(opts.publicUrl), vaultKey: "created" };
}

const size = (n: number): string => (n >= MiB ? `${(n / MiB).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`);
const pct = (n: number, of: number): string => `${((n / of) * 100).toFixed(1)}%`;

export function formatSelfHost(r: BundleReport | DeployReport): string {
  if (!r.dryRun) return `Deployed to ${r.publicUrl} (EXECUTOR_ENV=production); VAULT_KEY ${r.vaultKey === "created" ? "generated and set as a secret" : "already set, kept"}.`;
  const mark = (ok: boolean): string => (ok ? "fits" : "TOO BIG");
  return [
    `Bundle: ${size(r.bytes)} (gzip ${size(r.gzipBytes)}) in ${r.modules} modules${r.outdir ? ` at ${r.outdir}` : ""}`,
    `  Workers limit, ${size(r.limits.uncompressed)} uncompressed: ${pct(r.bytes, r.limits.uncompressed)}, ${mark(r.fits.uncompressed)}`,
    `  Compressed limits (earlier plans): Free ${size(r.limits.compressedFree)} ${pct(r.gzipBytes, r.limits.compressedFree)} ${mark(r.fits.free)}; Paid ${size(r.limits.compressedPaid)} ${pct(r.gzipBytes, r.limits.compressedPaid)} ${mark(r.fits.paid)}`,
  ].join("\n");
}
