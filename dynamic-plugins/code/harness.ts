/**
 * The module every code sandbox runs (mainModule `harness.js`), beside the caller's code (`user.js`).
 * It is the only code the platform puts in the isolate. `run(proxy)` receives the ToolProxy stub as an
 * RPC argument (so a warm isolate never holds an earlier run's authority), builds `tools` on it,
 * captures console output, and answers plain data: the returned value as JSON, or the thrown error's
 * name, message and stack. Nothing here is trusted: the host re-checks everything it answers.
 */
export const HARNESS_VERSION = "harness-v3";

/** Steps (loop iterations and function calls) one run may take: about a second of tight loops. */
export const STEP_BUDGET = 100_000_000;

/**
 * The step meter (meter.ts instruments the caller's code to call it). Its module name and its global
 * carry the reserved `__executor` prefix, so the caller's code can neither import it (to refill the
 * budget) nor shadow it; the global is non-writable and non-configurable. The caller's module imports
 * it first, so it is defined before any of their code runs.
 */
export const METER_MODULE = "__executor_meter.js";
export const METER_SOURCE = String.raw`
let left = ${STEP_BUDGET};
const step = () => {
  if (--left < 0) {
    left = -1;
    throw new RangeError("the code used up its budget of ${STEP_BUDGET} steps (loop iterations and calls) and was stopped");
  }
};
Object.defineProperty(globalThis, "__executor_step", { value: step, writable: false, configurable: false, enumerable: false });
export function refill() { left = ${STEP_BUDGET}; }
`;

/**
 * What every sandbox gets to build `tools` on the ToolProxy stub (code mode and custom tools): calls by
 * address or by `tools.<source>.<connection>.<tool>`, search, describe, and `ToolError` for refusals.
 * Reserved name, like the meter, so the caller's code cannot import it.
 */
export const TOOLS_MODULE = "__executor_tools.js";
export const TOOLS_SOURCE = String.raw`
export class ToolError extends Error {
  constructor(error) {
    super(String(error && error.message || "the call failed"));
    this.name = "ToolError";
    this.code = String(error && error.code || "failed");
    if (error && error.runId) this.runId = String(error.runId);
  }
}

export function makeTools(proxy) {
  const answer = (a) => {
    if (!a || a.ok !== true) throw new ToolError(a && a.error);
    return "pending" in a ? a.pending : a.value;
  };
  const call = async (address, args) => answer(await proxy.call(address, args === undefined ? {} : args));
  const named = (source) =>
    new Proxy({}, {
      get: (_, connection) =>
        typeof connection !== "string" || connection === "then" ? undefined :
          new Proxy({}, {
            get: (_, tool) =>
              typeof tool !== "string" || tool === "then" ? undefined :
                async (args) => answer(await proxy.callNamed(source, connection, tool, args === undefined ? {} : args)),
          }),
    });
  const base = {
    call,
    search: async (query, limit) => proxy.search(String(query ?? ""), limit),
    describe: async (address) => proxy.describe(String(address)),
    isPending: (value) => !!value && value.status === "pending_approval" && typeof value.runId === "string",
    ToolError,
  };
  return new Proxy(base, {
    get: (target, key) => (key in target ? target[key] : typeof key === "string" && key !== "then" ? named(key) : undefined),
  });
}

function text(value) {
  if (typeof value === "string") return value;
  try { return JSON.stringify(value); } catch { return String(value); }
}

const MAX_LOG_LINES = 200;
const MAX_LOG_CHARS = 2000;

/** Console output of one run, bounded; done(result) answers the result with the lines. */
export function captureConsole() {
  const logs = [];
  let dropped = 0;
  const write = (level) => (...args) => {
    if (logs.length >= MAX_LOG_LINES) { dropped++; return; }
    logs.push(("[" + level + "] " + args.map(text).join(" ")).slice(0, MAX_LOG_CHARS));
  };
  for (const level of ["log", "info", "warn", "error", "debug"]) console[level] = write(level);
  const done = (result) => {
    if (dropped) logs.push("[dropped " + dropped + " more lines]");
    return { ...result, logs };
  };
  return { logs, done };
}

/** A thrown value as plain data: name, message, stack, and a ToolError's code and Run. */
export function thrownError(e) {
  const error = {
    name: String((e && e.name) || "Error").slice(0, 100),
    message: String(e && e.message !== undefined ? e.message : e).slice(0, 2000),
    stack: String((e && e.stack) || "").slice(0, 4000),
  };
  if (e && e.code) error.code = String(e.code).slice(0, 64);
  if (e && e.runId) error.runId = String(e.runId).slice(0, 64);
  return error;
}
`;

export const HARNESS_SOURCE = String.raw`
import { WorkerEntrypoint } from "cloudflare:workers";
import { refill } from "./__executor_meter.js";
import { captureConsole, makeTools, thrownError } from "./__executor_tools.js";
import main from "./user.js";

export class Sandbox extends WorkerEntrypoint {
  async run(proxy) {
    refill();
    const { done } = captureConsole();
    const tools = makeTools(proxy);
    globalThis.tools = tools;
    try {
      const value = await main(tools);
      const json = value === undefined ? null : JSON.parse(JSON.stringify(value));
      return done({ ok: true, value: json });
    } catch (e) {
      return done({ ok: false, error: thrownError(e) });
    }
  }
}
`;
