import zodSource from "../vendor/zod.bundle.txt";
import { sha256Hex } from "../../core/evidence";
import { METER_MODULE, METER_SOURCE, TOOLS_MODULE, TOOLS_SOURCE } from "../code/harness";
import type { SandboxError } from "../code/sandbox";
import { SANDBOX_CPU_MS, SANDBOX_SUBREQUESTS, bounded } from "../code/sandbox";
import { SANDBOX_COMPATIBILITY_DATE } from "../probe";
import { CUSTOM_HARNESS_VERSION, SDK_SOURCE, batchDescribeSource, customHarnessSource } from "./harness";

export type CustomModule = { module: string; usesZod: boolean };
export type CustomAnswer =
  | { kind: "returned"; value: unknown; logs: string[] }
  | { kind: "threw"; error: SandboxError; logs: string[] }
  | { kind: "timeout"; afterMs: number }
  | { kind: "crashed"; message: string };

type Entrypoint = {
  describe(): Promise<{ ok: boolean; value?: unknown; error?: SandboxError }>;
  invoke(args: unknown, connection: string, proxy: unknown): Promise<{ ok: boolean; value?: unknown; error?: SandboxError; logs?: unknown }>;
};

const LIMITS = { cpuMs: SANDBOX_CPU_MS, subRequests: SANDBOX_SUBREQUESTS };

/**
 * The isolate of one custom tool module (DESIGN §7): no network (`globalOutbound: null`), an empty
 * `env`, CPU and subrequest limits; its one way out is the ToolProxy stub passed to `invoke`.
 * Cached by a hash of the harness, the module and who is asking, so callers never share globals.
 */
function entrypoint(loader: WorkerLoader, code: CustomModule, id: string): Entrypoint {
  const modules: Record<string, string> = {
    "harness.js": customHarnessSource(code.usesZod),
    [METER_MODULE]: METER_SOURCE,
    [TOOLS_MODULE]: TOOLS_SOURCE,
    "executor.js": SDK_SOURCE,
    "user.js": `import "./${METER_MODULE}";\n${code.module}`,
  };
  if (code.usesZod) modules["zod.js"] = zodSource;
  const worker = loader.get(id, () => ({
    compatibilityDate: SANDBOX_COMPATIBILITY_DATE,
    mainModule: "harness.js",
    modules,
    env: {},
    globalOutbound: null,
    limits: LIMITS,
  }));
  return worker.getEntrypoint("CustomTool", { limits: LIMITS }) as unknown as Entrypoint;
}

async function isolateId(code: CustomModule, identity: string): Promise<string> {
  return `custom:${await sha256Hex(`${CUSTOM_HARNESS_VERSION}\n${code.usesZod}\n${identity}\n${code.module}`)}`;
}

/** What the module's default export says it is (validated by the caller), or why it could not say. */
export async function describeCustomTool(loader: WorkerLoader, code: CustomModule, timeoutMs = 5_000): Promise<Described> {
  const id = await isolateId(code, "describe");
  const answer = await bounded(async () => entrypoint(loader, code, id).describe(), timeoutMs);
  if ("kind" in answer) return answer.kind === "timeout" ? { ok: false, message: `loading the module took over ${timeoutMs} ms`, timedOut: true } : { ok: false, message: answer.message };
  if (answer.ok) return { ok: true, value: answer.value };
  const e = answer.error;
  return { ok: false, message: e ? `${e.name}: ${e.message}` : "the module did not describe itself" };
}

type Described = { ok: true; value: unknown } | { ok: false; message: string; timedOut?: boolean };

/**
 * Describes many modules of one deploy in one isolate (zod and the isolate load once). Answers one
 * result per module, or null when the batch as a whole could not run (a module failed to load or
 * hung): the caller then describes each on its own, which names the one at fault.
 */
export async function describeCustomTools(loader: WorkerLoader, codes: CustomModule[], timeoutMs = 5_000): Promise<Described[] | null> {
  if (codes.length === 0) return [];
  const usesZod = codes.some((c) => c.usesZod);
  const modules: Record<string, string> = {
    "describe.js": batchDescribeSource(usesZod, codes.length),
    [METER_MODULE]: METER_SOURCE,
    [TOOLS_MODULE]: TOOLS_SOURCE,
    "executor.js": SDK_SOURCE,
  };
  codes.forEach((c, i) => (modules[`user_${i}.js`] = `import "./${METER_MODULE}";\n${c.module}`));
  if (usesZod) modules["zod.js"] = zodSource;
  const id = `describe:${await sha256Hex(`${CUSTOM_HARNESS_VERSION}\n${JSON.stringify(codes)}`)}`;
  const answer = await bounded(async () => {
    const worker = loader.get(id, () => ({ compatibilityDate: SANDBOX_COMPATIBILITY_DATE, mainModule: "describe.js", modules, env: {}, globalOutbound: null, limits: LIMITS }));
    const entry = worker.getEntrypoint("Describer", { limits: LIMITS }) as unknown as { describeAll(): Promise<Array<{ ok: boolean; value?: unknown; error?: SandboxError }>> };
    return entry.describeAll();
  }, timeoutMs);
  if (!Array.isArray(answer) || answer.length !== codes.length) return null;
  return answer.map((a) => (a.ok ? { ok: true, value: a.value } : { ok: false, message: a.error ? `${a.error.name}: ${a.error.message}` : "the module did not describe itself" }));
}

/** Runs the tool's handler once with the caller's arguments, connection and ToolProxy stub. */
export async function invokeCustomTool(
  loader: WorkerLoader,
  code: CustomModule,
  input: { args: unknown; connection: string; identity: string; proxy: unknown; timeoutMs: number },
): Promise<CustomAnswer> {
  const id = await isolateId(code, input.identity);
  const answer = await bounded(async () => entrypoint(loader, code, id).invoke(input.args, input.connection, input.proxy), input.timeoutMs);
  if ("kind" in answer) return answer;
  const logs = Array.isArray(answer.logs) ? answer.logs.filter((l): l is string => typeof l === "string") : [];
  if (answer.ok) return { kind: "returned", value: answer.value ?? null, logs };
  return { kind: "threw", error: answer.error ?? { name: "Error", message: "the tool failed", stack: "" }, logs };
}
