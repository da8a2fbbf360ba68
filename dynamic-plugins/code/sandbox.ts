import { sha256Hex } from "../../core/evidence";
import { SANDBOX_COMPATIBILITY_DATE } from "../probe";
import { HARNESS_SOURCE, HARNESS_VERSION, METER_MODULE, METER_SOURCE, TOOLS_MODULE, TOOLS_SOURCE } from "./harness";

/** The isolation class this runner gives code; Runs record exactly this, never a stronger claim (DESIGN invariant 7). */
export const SANDBOX_CLASS = "dynamic-worker";

/** CPU the code may spend per run, and subrequests (its calls to the ToolProxy count). */
export const SANDBOX_CPU_MS = 30_000;
export const SANDBOX_SUBREQUESTS = 1_000;

export type SandboxError = { name: string; message: string; stack: string; code?: string; runId?: string };
export type SandboxAnswer =
  | { kind: "returned"; value: unknown; logs: string[] }
  | { kind: "threw"; error: SandboxError; logs: string[] }
  | { kind: "timeout"; afterMs: number }
  | { kind: "crashed"; message: string };

type SandboxEntrypoint = { run(proxy: unknown): Promise<{ ok: boolean; value?: unknown; error?: SandboxError; logs?: unknown }> };

/**
 * Runs transpiled code in a Worker Loader isolate (DESIGN §7): `globalOutbound: null` (fetch and
 * connect throw), an empty `env` (no binding, no secret), CPU and subrequest limits, and the
 * ToolProxy stub handed to the harness as the argument of `run`, its one way out. Isolates are
 * cached by a hash of the harness, the code and the caller's identity, so a warm start never
 * shares globals between callers; the host enforces a wall-clock timeout on top of the CPU limit.
 */
export async function runInSandbox(
  loader: WorkerLoader,
  input: { module: string; identity: string; proxy: unknown; timeoutMs: number },
): Promise<SandboxAnswer> {
  const id = `code:${await sha256Hex(`${HARNESS_VERSION}\n${input.identity}\n${input.module}`)}`;
  const run = async (): Promise<SandboxAnswer> => {
    const worker = loader.get(id, () => ({
      compatibilityDate: SANDBOX_COMPATIBILITY_DATE,
      mainModule: "harness.js",
      modules: { "harness.js": HARNESS_SOURCE, [METER_MODULE]: METER_SOURCE, [TOOLS_MODULE]: TOOLS_SOURCE, "user.js": `import "./${METER_MODULE}";\n${input.module}` },
      env: {},
      globalOutbound: null,
      limits: { cpuMs: SANDBOX_CPU_MS, subRequests: SANDBOX_SUBREQUESTS },
    }));
    const entry = worker.getEntrypoint("Sandbox", { limits: { cpuMs: SANDBOX_CPU_MS, subRequests: SANDBOX_SUBREQUESTS } }) as unknown as SandboxEntrypoint;
    const answer = await entry.run(input.proxy);
    const logs = Array.isArray(answer.logs) ? answer.logs.filter((l): l is string => typeof l === "string") : [];
    if (answer.ok) return { kind: "returned", value: answer.value ?? null, logs };
    return { kind: "threw", error: answer.error ?? { name: "Error", message: "the code failed", stack: "" }, logs };
  };
  return bounded(run, input.timeoutMs);
}

/**
 * Runs sandbox work under the host's wall-clock limit: its answer, a timeout, or the crash when the
 * isolate could not load the module (a syntax error V8 found) or was stopped (CPU limit). Shared by
 * code mode and custom tools.
 */
export async function bounded<T>(work: () => Promise<T>, timeoutMs: number): Promise<T | { kind: "timeout"; afterMs: number } | { kind: "crashed"; message: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ kind: "timeout"; afterMs: number }>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "timeout", afterMs: timeoutMs }), timeoutMs);
  });
  try {
    return await Promise.race([work(), timeout]);
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? error.message : String(error);
    return { kind: "crashed", message: `${name}: ${message}`.slice(0, 1000) };
  } finally {
    clearTimeout(timer);
  }
}
