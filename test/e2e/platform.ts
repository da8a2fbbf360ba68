import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export type Platform = {
  baseUrl: string;
  dataDir: string;
  output: () => string;
  /** SIGKILLs the whole process group (wrangler, workerd and all). */
  kill: () => Promise<void>;
  stop: () => Promise<void>;
};

/** A free loopback port from the OS. */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

/**
 * Process groups of platforms still running. A test file whose setup fails after a platform started
 * (Chromium missing, say) never reaches its afterAll with the platform in hand; when the test process
 * exits, whatever is left here is killed, so no platform outlives its test run.
 */
const live = new Set<number>();
process.once("exit", () => {
  for (const pid of live) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), "executor-e2e-"));
}

/**
 * Starts the real platform exactly as `npm start` does (scripts/start.mjs → wrangler dev), in its
 * own process group, and resolves once it announces itself.
 */
export async function startPlatform(
  opts: { dataDir?: string; port?: number; env?: Record<string, string> } = {},
): Promise<Platform> {
  // A port freePort() found can be taken by another process before wrangler binds it (the test
  // projects run side by side): with ports of our own choosing, try again on fresh ones.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (error) {
      const clash = error instanceof Error && /Address already in use|EADDRINUSE/.test(error.message);
      if (!clash || opts.port !== undefined || attempt >= 3) throw error;
    }
  }
}

async function startOnce(opts: { dataDir?: string; port?: number; env?: Record<string, string> }): Promise<Platform> {
  const port = opts.port ?? (await freePort());
  const inspector = await freePort();
  const dataDir = opts.dataDir ?? tempDataDir();
  const root = resolve(import.meta.dirname, "../..");
  const child: ChildProcess = spawn(process.execPath, [join(root, "scripts/start.mjs")], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      // Tests sign many people up from one address; the abuse-limit tests set their own limits.
      EXECUTOR_AUTH_RATE_LIMITS: "signup-ip=1000/3600,login-ip=1000/900,login-email=1000/900",
      ...opts.env,
      PORT: String(port),
      INSPECTOR_PORT: String(inspector),
      EXECUTOR_DATA_DIR: dataDir,
    },
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  const pid = child.pid;
  if (pid !== undefined) {
    live.add(pid);
    void exited.then(() => live.delete(pid));
  }

  const signalGroup = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.pid === undefined || child.exitCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      return;
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  };

  const deadline = Date.now() + 150_000;
  while (!out.includes("Executor is running")) {
    const failure = child.exitCode !== null ? "exited early" : Date.now() > deadline ? "did not start" : null;
    if (failure) {
      await signalGroup("SIGKILL");
      if (!opts.dataDir) removeDataDir(dataDir); // a folder we made for this run only
      throw new Error(`platform ${failure}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir,
    output: () => out,
    kill: () => signalGroup("SIGKILL"),
    stop: () => signalGroup("SIGTERM"),
  };
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
