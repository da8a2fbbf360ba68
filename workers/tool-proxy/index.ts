import { WorkerEntrypoint } from "cloudflare:workers";
import type { JsonObject, JsonValue, PendingCall } from "../../schemas";
import { ToolProxyProps } from "../../schemas";
import { callTool } from "../invoke/call";
import { describeTool } from "../invoke/describe";
import { resumeLinkFor } from "../invoke/review-link";
import { searchVisible } from "../invoke/search";
import { scopeCatalog } from "../../durable-objects/scope-catalog/client";
import type { AuthContext } from "../shared/auth-context";
import type { Env } from "../shared/env";
import { HttpError } from "../shared/problem";
import { logUnexpected } from "../shared/log";

/** What a child call answers the sandbox: the value, a pending approval, or a typed refusal. */
export type ProxyAnswer =
  | { ok: true; value: JsonValue; runId: string }
  | { ok: true; pending: PendingCall }
  | { ok: false; error: { code: string; message: string; runId?: string } };

/**
 * The one way out of a sandbox (DESIGN §7): handed to code as `ctx.exports.ToolProxy({ props })`.
 * Its props carry the caller's narrowed authority, the parent code Run and its budget; the sandbox
 * holds only the stub, so it can neither read nor change them. Every call goes through the one
 * invocation path (admission, policy, approval, a child Run with `parentRunId` and surface
 * `sandbox`); the ledger refuses a call once the parent has finished or spent its budget.
 * Answers are plain data written by the platform: an internal error's message never crosses.
 */
export class ToolProxy extends WorkerEntrypoint<Env> {
  #props(): { auth: AuthContext; parentRunId: string; maxCalls: number; base: string } {
    const parsed = ToolProxyProps.safeParse(this.ctx.props);
    if (!parsed.success) throw new TypeError("ToolProxy was created without valid props");
    return parsed.data as { auth: AuthContext; parentRunId: string; maxCalls: number; base: string };
  }

  async search(query: unknown, limit?: unknown): Promise<JsonValue> {
    const { auth } = this.#props();
    const q = typeof query === "string" ? query.slice(0, 512) : "";
    const n = typeof limit === "number" && Number.isInteger(limit) ? Math.min(Math.max(limit, 1), 50) : 10;
    return guard(async () => (await searchVisible(this.env, auth.principal, { query: q, limit: n, cursor: 0 })).tools as unknown as JsonValue);
  }

  async describe(address: unknown): Promise<JsonValue> {
    const { auth } = this.#props();
    return guard(async () => (await describeTool(this.env, auth.principal, String(address).slice(0, 512))) as unknown as JsonValue);
  }

  /** `tools.<source>.<connection>.<tool>(args)`: the connection's scope is the innermost one holding it. */
  async callNamed(source: unknown, connection: unknown, tool: unknown, args: unknown): Promise<ProxyAnswer> {
    const { auth } = this.#props();
    const [s, c, t] = [String(source), String(connection), String(tool)];
    // One lookup per scope, in parallel; the innermost scope holding the connection names it.
    const held = await Promise.all(auth.principal.chain.map(async (scope) => ((await scopeCatalog(this.env.SCOPE_CATALOG, scope.id).getConnection(s, c)).ok ? scope.id : null)));
    const scope = held.filter((id): id is string => id !== null).at(-1) ?? auth.principal.orgId;
    return this.call(`${s}.${scope}.${c}.${t}`, args);
  }

  async call(address: unknown, args: unknown): Promise<ProxyAnswer> {
    const { auth, parentRunId, maxCalls, base } = this.#props();
    if (typeof address !== "string" || address.length > 512) return refused("invalid_address", "the address must be a string");
    const input = args === undefined ? {} : args;
    if (input === null || typeof input !== "object" || Array.isArray(input)) return refused("invalid_arguments", "arguments must be an object");
    try {
      const outcome = await callTool(this.env, auth, {
        address,
        args: input as JsonObject,
        surface: "sandbox",
        parentRunId,
        parent: { maxChildren: maxCalls },
      });
      switch (outcome.kind) {
        case "succeeded":
          return { ok: true, value: outcome.value, runId: outcome.run.id };
        case "pending": {
          const reviewLink = await resumeLinkFor(this.env, base, outcome.run, auth.principal.orgId);
          return { ok: true, pending: { status: "pending_approval", runId: outcome.run.id, address, reviewLink, reason: outcome.run.admission.reason.message } };
        }
        case "rejected":
          return refused(outcome.run.error?.code ?? outcome.run.admission.reason.code, outcome.run.error?.message ?? outcome.run.admission.reason.message, outcome.run.id);
        case "failed":
          return refused(outcome.run.error?.code ?? "failed", outcome.run.error?.message ?? "the call failed", outcome.run.id);
      }
    } catch (error) {
      if (error instanceof HttpError) return refused(error.type, error.message, error.extra.runId);
      const correlationId = crypto.randomUUID();
      logUnexpected(correlationId, error);
      return refused("internal", `an unexpected error occurred (correlation id ${correlationId})`);
    }
  }
}

function refused(code: string, message: string, runId?: string): ProxyAnswer {
  return { ok: false, error: { code, message, ...(runId ? { runId } : {}) } };
}

/** search/describe: a refusal becomes data; nothing unexpected leaks its message into the sandbox. */
async function guard(work: () => Promise<JsonValue>): Promise<JsonValue> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HttpError) return { error: { code: error.type, message: error.message } };
    const correlationId = crypto.randomUUID();
    logUnexpected(correlationId, error);
    return { error: { code: "internal", message: `an unexpected error occurred (correlation id ${correlationId})` } };
  }
}
