import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, watch } from "node:fs";
import { join, resolve } from "node:path";
import { isLoopbackHost, loadConfig } from "../config";
import type { Ctx } from "../context";
import { CliError, EXIT } from "../context";
import type { DeployOptions } from "./artifacts";
import { deployDir } from "./artifacts";
import { summaryLine } from "./record";
import { packageRoot } from "./root";

async function healthy(base: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
    await res.body?.cancel();
    return res.status < 500 || res.status === 503;
  } catch {
    return false;
  }
}

/** `npm start` of this package (scripts/start.mjs, run from the package folder), in its own process group. */
function startPlatform(dir: string, port: string): ChildProcess {
  const root = packageRoot();
  return spawn(process.execPath, [join(root, "scripts/start.mjs")], {
    cwd: root,
    detached: true,
    // The platform's own output goes to stderr, so stdout carries only deploy records.
    stdio: ["ignore", 2, 2],
    env: { ...process.env, PORT: port, EXECUTOR_DATA_DIR: process.env.EXECUTOR_DATA_DIR ?? resolve(dir, ".executor/state") },
  });
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  const signal = (s: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid as number), s);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const late = setTimeout(() => signal("SIGKILL"), 10_000);
  await exited;
  clearTimeout(late);
}

/**
 * `executor dev [DIR]`: the local platform (unless one already answers on the port), then DIR's
 * executor/ deployed to the remote and deployed again on every save (200 ms debounce). Runs until
 * SIGINT/SIGTERM, which stop the platform's whole process group.
 */
/** A URL of the local platform on that port (any loopback host). */
function isLocal(url: string, port: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === "http:" && isLoopbackHost(parsed.hostname) && (parsed.port || "80") === port;
}

/** The remote logged in to the local platform: the current one if it is, else the first that is. */
function localRemote(port: string): string | undefined {
  const config = loadConfig();
  const local = Object.entries(config.remotes).filter(([, r]) => isLocal(r.url, port)).map(([name]) => name);
  return config.current && local.includes(config.current) ? config.current : local[0];
}

export async function dev(ctx: () => Ctx, dir: string, opts: DeployOptions & { port?: string; remote?: string }): Promise<void> {
  const { out } = ctx();
  if (!existsSync(join(dir, "executor"))) throw new CliError(`no executor/ folder in ${dir} (run executor init)`, EXIT.failed);
  const port = opts.port ?? process.env.PORT ?? "8787";
  const base = `http://127.0.0.1:${port}`;
  // Deploys go to the local platform's remote; to another one only when --remote names it.
  const remoteName = opts.remote ?? localRemote(port);
  if (!remoteName) {
    throw new CliError(
      `no remote is logged in to the local platform at ${base}; log in to it (executor login ${base} --api-key --name local-${port}) or pass --remote NAME to deploy elsewhere`,
      EXIT.auth,
    );
  }
  const target = await ctx().api(remoteName);
  out.info(`Deploying to remote '${target.remote.name}' (${target.remote.url})${opts.remote && !isLocal(target.remote.url, port) ? ", not the local platform" : ""}`);
  let child: ChildProcess | null = null;
  if (await healthy(base)) out.info(`Using the platform already running at ${base}`);
  else {
    child = startPlatform(dir, port);
    const started = Date.now();
    while (!(await healthy(base))) {
      if (child.exitCode !== null) throw new CliError(`the platform stopped before it answered (exit ${child.exitCode})`, EXIT.failed);
      if (Date.now() - started > 150_000) {
        await stopGroup(child);
        throw new CliError(`the platform did not answer at ${base}/healthz within 150s`, EXIT.failed);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  let running = false;
  let again = false;
  const deployOnce = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      const api = await ctx().api(remoteName);
      const record = await deployDir(api, dir, opts);
      out.result(record, () => `${new Date().toLocaleTimeString()} ${api.remote.name}: ${summaryLine(record)}`);
    } catch (error) {
      const auth = error instanceof CliError && error.exitCode === EXIT.auth;
      out.info(`${error instanceof Error ? error.message : String(error)}${auth ? `\n(log in with: executor login ${base} --api-key; the next save deploys)` : ""}`);
    } finally {
      running = false;
      if (again) {
        again = false;
        void deployOnce();
      }
    }
  };

  await deployOnce();
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(join(dir, "executor"), { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => void deployOnce(), 200);
  });
  out.info(`Watching ${join(dir, "executor")} (Ctrl-C stops${child ? " the platform too" : ""})`);

  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (): void => {
      stopping = true;
      watcher.close();
      clearTimeout(timer);
      void (child ? stopGroup(child) : Promise.resolve()).then(done);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    child?.once("exit", (code) => {
      if (stopping) return;
      watcher.close();
      clearTimeout(timer);
      out.info(`the platform exited (${code ?? "signal"})`);
      process.exitCode = EXIT.failed;
      done();
    });
  });
}
