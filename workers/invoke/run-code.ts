import { JSON_LIMITS, describeBreach, scanJsonValue } from "../../core/json";
import { hashValue, sha256Hex } from "../../core/evidence";
import { mayRunCode } from "../../core/toolset";
import { runLedger } from "../../durable-objects/run-ledger/client";
import type { NewRun } from "../../durable-objects/run-ledger/ledger";
import { SANDBOX_CLASS, runInSandbox } from "../../dynamic-plugins/code/sandbox";
import type { SandboxError } from "../../dynamic-plugins/code/sandbox";
import { meterModule } from "../../dynamic-plugins/code/meter";
import { transpileCode } from "../../dynamic-plugins/code/transpile";
import type { CodeInput, JsonValue, Run, RunSurface, ToolAddress, ToolProxyProps } from "../../schemas";
import { JsonValue as JsonValueSchema } from "../../schemas";
import type { AuthContext } from "../shared/auth-context";
import type { Env } from "../shared/env";
import { HttpError } from "../shared/problem";
import { unwrap } from "../shared/result";

/** Tool calls one code run may make (each is a child Run); the ledger enforces it. */
export const CODE_MAX_CALLS = 100;
/** The largest value code may return, as JSON text; larger ones fail the Run rather than fill memory. */
export const CODE_MAX_RESULT_CHARS = 4 * 1024 * 1024;

export type CodeError = { code: string; message: string; line?: number; column?: number; stack?: string };
export type CodeOutcome =
  | { kind: "succeeded"; run: Run; value: JsonValue; logs: string[]; sandboxMs: number }
  | { kind: "invalid"; run: Run; error: CodeError }
  | { kind: "failed"; run: Run; error: CodeError; logs: string[] };

export type CodeRequest = CodeInput & {
  surface: RunSurface;
  /** The public origin (review links in pending results). */
  base: string;
  /** `ctx.exports.ToolProxy({ props })`: how the caller makes the sandbox's one way out. */
  toolProxy: (props: ToolProxyProps) => unknown;
  /** A code step of a workflow: the workflow's Run is this Run's parent. */
  parentRunId?: string | null;
};

/** A code Run's address: the reserved `code` source, in the caller's org, connection `sandbox`. */
export function codeAddress(orgId: string): ToolAddress {
  return `code.${orgId}.sandbox.run_code` as ToolAddress;
}

/** Types stripped, then metered; a failure of either is a syntax error at a line and column of the code as written. */
function prepare(code: string): ReturnType<typeof transpileCode> {
  const transpiled = transpileCode(code);
  if (!transpiled.ok) return transpiled;
  const metered = meterModule(transpiled.module);
  if (metered.ok) return { ...transpiled, module: metered.module };
  return { ok: false, message: metered.message, line: Math.max(1, metered.line - transpiled.lineOffset), column: metered.column };
}

/** Stack lines of the caller's code only, with lines as they wrote them (the body form is wrapped). */
function userStack(stack: string, lineOffset: number): string {
  return stack
    .split("\n")
    .filter((l) => l.includes("user.js") || !/^\s+at /.test(l))
    .map((l) => l.replace(/user\.js:(\d+):(\d+)/g, (_m, line: string, col: string) => `code:${Math.max(1, Number(line) - lineOffset)}:${col}`))
    .slice(0, 20)
    .join("\n");
}

function thrown(error: SandboxError, lineOffset: number): CodeError {
  const where = /user\.js:(\d+):(\d+)/.exec(error.stack);
  const message = `${error.name}: ${error.message}`.slice(0, 2000);
  const out: CodeError = { code: error.name === "ToolError" ? `tool_error:${error.code ?? "failed"}`.slice(0, 64) : "code_error", message, stack: userStack(error.stack, lineOffset) };
  if (where) {
    out.line = Math.max(1, Number(where[1]) - lineOffset);
    out.column = Number(where[2]);
  }
  return out;
}

/**
 * Runs code in the sandbox behind the ToolProxy membrane, as one Run: the parent Run is recorded
 * (`running`, sandbox class `dynamic-worker`, the code's hash as its artifact version, the code as its
 * input) before the isolate starts; every tool call the code makes is a child Run; the outcome (value,
 * error with line and column, timeout) and console output complete it before anyone is answered.
 */
export async function runCode(env: Env, auth: AuthContext, req: CodeRequest): Promise<CodeOutcome> {
  const { principal } = auth;
  if (!mayRunCode(principal.narrowings)) {
    throw new HttpError(403, "forbidden", "this credential may not run code: its toolkit does not grant run_code");
  }
  const ledger = runLedger(env.RUN_LEDGER, principal.orgId);
  const input = { code: req.code, timeoutMs: req.timeoutMs };
  const now = Date.now();
  const base: NewRun = {
    parentRunId: req.parentRunId ?? null,
    surface: req.surface,
    principal: { kind: principal.kind, credentialId: principal.credentialId, userId: principal.userId },
    scopeChain: principal.chain.map((s) => s.id),
    capabilities: principal.narrowings.map((n) => n.label),
    address: codeAddress(principal.orgId),
    toolHash: null,
    artifactVersion: `sha256:${await sha256Hex(req.code)}`,
    admission: { outcome: "admit", reason: { code: "code_run", message: "Code runs with the caller's authority; each tool call it makes is admitted on its own." }, rule: null, decidingScope: null },
    policyVersion: "code",
    inputHash: await hashValue(input),
    output: null,
    status: "running",
    createdAt: now,
    startedAt: now,
    finishedAt: null,
    approvals: [],
    retries: 0,
    error: null,
    localEgress: false,
    sandbox: SANDBOX_CLASS,
  };
  const transpiled = prepare(req.code);
  if (!transpiled.ok) {
    const error: CodeError = { code: "syntax_error", message: `${transpiled.message} (line ${transpiled.line}, column ${transpiled.column})`, line: transpiled.line, column: transpiled.column };
    const { run } = unwrap(await ledger.record({ run: { ...base, status: "rejected", startedAt: null, finishedAt: now, error: { code: error.code, message: error.message } }, args: input, idempotencyKey: null }));
    return { kind: "invalid", run, error };
  }
  const { run } = unwrap(await ledger.record({ run: base, args: input, idempotencyKey: null }));
  const proxy = req.toolProxy({ auth: { principal, identity: auth.identity, grant: { toolkit: auth.grant.toolkit, capabilities: [...auth.grant.capabilities] } }, parentRunId: run.id, maxCalls: CODE_MAX_CALLS, base: req.base });
  const identity = [principal.orgId, principal.userId, principal.credentialId, ...principal.narrowings.map((n) => n.label)].join("|");
  const sandboxStarted = Date.now();
  const answer = await runInSandbox(env.LOADER, { module: transpiled.module, identity, proxy, timeoutMs: req.timeoutMs });
  // Wall time of the isolate part alone (load or reuse, run, answer): Server-Timing on /v1/code.
  const sandboxMs = Date.now() - sandboxStarted;

  const fail = async (error: CodeError, logs: string[]): Promise<CodeOutcome> => {
    const patch = { status: "failed" as const, error: { code: error.code, message: error.message.slice(0, 2048) }, finishedAt: Date.now(), ...(logs.length ? { logs } : {}) };
    return { kind: "failed", run: unwrap(await ledger.transition(run.id, patch, ["running"])), error, logs };
  };
  switch (answer.kind) {
    case "timeout":
      return fail({ code: "timeout", message: `the code did not finish within ${answer.afterMs} ms; calls it made before then stay recorded` }, []);
    case "crashed":
      // workerd cancels an isolate whose code awaits something that can never settle (no timer, no I/O).
      if (/hung and would never generate a response/.test(answer.message)) {
        return fail({ code: "hung", message: "the code awaits something that can never settle (a promise nothing resolves), so it was stopped" }, []);
      }
      return fail({ code: "sandbox_failed", message: `the sandbox stopped the code: ${answer.message}` }, []);
    case "threw":
      // user.js starts with one more line than the code as written: the meter import.
      return fail(thrown(answer.error, transpiled.lineOffset + 1), answer.logs);
    case "returned": {
      const breach = scanJsonValue(answer.value, JSON_LIMITS.upstream);
      const parsed = breach === null ? JsonValueSchema.safeParse(answer.value) : null;
      if (!parsed?.success) {
        return fail({ code: "invalid_result", message: breach ? `the returned value ${describeBreach(breach)}` : "the returned value is not JSON" }, answer.logs);
      }
      if (JSON.stringify(parsed.data).length > CODE_MAX_RESULT_CHARS) {
        return fail({ code: "result_too_large", message: `the returned value is over ${CODE_MAX_RESULT_CHARS} characters of JSON; return less, or keep it in a store` }, answer.logs);
      }
      const done = unwrap(await ledger.complete(run.id, parsed.data, answer.logs.length ? answer.logs : undefined));
      return { kind: "succeeded", run: done, value: parsed.data, logs: answer.logs, sandboxMs };
    }
  }
}
