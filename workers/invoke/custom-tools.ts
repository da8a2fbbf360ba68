import { exports } from "cloudflare:workers";
import { JSON_LIMITS, describeBreach, scanJsonValue } from "../../core/json";
import { invokeCustomTool } from "../../dynamic-plugins/custom/sandbox";
import type { JsonObject, Narrowing, ToolProxyProps } from "../../schemas";
import { CustomInvocation, JsonValue as JsonValueSchema } from "../../schemas";
import type { AuthContext } from "../shared/auth-context";
import type { Env } from "../shared/env";
import type { ResolvedTool } from "./catalog-view";
import { upstreamTimeout } from "./egress";
import type { Execution } from "./execute";

/** What a grant of a custom tool covers: its file, run in the sandbox with no credential (the code is in its hash). */
export function customDestination(invocation: unknown): string {
  const parsed = CustomInvocation.safeParse(invocation);
  return parsed.success ? `sandbox ${parsed.data.file}` : "(no destination: an invalid custom tool)";
}

/** Tool calls one custom tool run may make (each a child Run); the ledger enforces it. */
export const CUSTOM_MAX_CALLS = 100;
/**
 * How deep custom tools may nest (a tool calling a tool calling a tool): each level multiplies the
 * work one call can cause by CUSTOM_MAX_CALLS, so untrusted code cannot drive unbounded work
 * (DESIGN invariant 10). Counted by the narrowings each level adds.
 */
export const CUSTOM_MAX_DEPTH = 2;
const TOOL_LABEL = "tool:";

type ProxyFactory = { ToolProxy: (init: { props: ToolProxyProps }) => unknown };

/**
 * A declared call pattern with the account the caller chose: a `*` connection segment becomes that
 * connection, so `ctx.connection` is enforced, not a hint (a pattern naming a connection keeps it,
 * and the deploy check shows it).
 */
export function boundPattern(pattern: string, connection: string): string {
  const [source, scope, conn, ...tool] = pattern.split(".");
  return [source, scope, conn === "*" ? connection : conn, ...tool].join(".");
}

/**
 * The authority a custom tool's own calls carry (DESIGN invariant 2): the caller's, narrowed by its
 * author's toolkits as captured at deploy and by the tools it declared it calls (`calls`, bound to
 * the chosen account), so it reaches only what the caller, its author and its declaration all allow.
 */
export function toolAuthority(caller: AuthContext, tool: ResolvedTool, invocation: CustomInvocation): { principal: AuthContext["principal"] } | { refused: string } {
  const depth = caller.principal.narrowings.filter((n) => n.label.startsWith(TOOL_LABEL)).length;
  if (depth >= CUSTOM_MAX_DEPTH) return { refused: `custom tools may nest ${CUSTOM_MAX_DEPTH} deep; this call would be deeper` };
  // The level is in the label, so a tool calling itself adds a narrowing rather than repeating one.
  const patterns = invocation.calls.map((p) => boundPattern(p, tool.connection.name));
  const own: Narrowing = { label: `${TOOL_LABEL}${depth + 1}:${tool.address.scope}/${tool.tool.name}`, tools: [], patterns };
  const seen = new Set<string>();
  const narrowings = [...caller.principal.narrowings, ...invocation.author.narrowings, own].filter((n) => {
    const key = JSON.stringify(n);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (narrowings.length > 16) return { refused: "the caller's, the author's and the tool's own narrowings together exceed 16" };
  return { principal: { ...caller.principal, narrowings } };
}

/**
 * Executes an admitted custom tool: its module runs in its sandbox (no network, no env, no secret)
 * with `ctx.tools` on a ToolProxy whose props carry the narrowed authority above and this Run as
 * parent, and `ctx.connection` the connection the caller named. The answer is checked like any
 * upstream's: JSON within the platform's limits.
 */
export async function executeCustomTool(env: Env, actor: AuthContext | undefined, resolved: ResolvedTool, args: JsonObject, runId: string | undefined): Promise<Execution> {
  const invocation = CustomInvocation.safeParse(resolved.tool.invocation);
  if (!invocation.success) return { ok: false, status: 500, error: { code: "invalid_source_config", message: "the custom tool's stored module is invalid" } };
  if (!actor || !runId) return { ok: false, status: 500, error: { code: "no_caller", message: "a custom tool runs only on behalf of a caller's Run" } };
  const authority = toolAuthority(actor, resolved, invocation.data);
  if ("refused" in authority) return { ok: false, status: 403, error: { code: "forbidden", message: authority.refused } };
  const props: ToolProxyProps = {
    // Capabilities only narrow too: the caller's that the author also had (an approved call's
    // actor may administer; a tool written by a key that may not still cannot).
    auth: { principal: authority.principal, identity: actor.identity, grant: { toolkit: actor.grant.toolkit, capabilities: actor.grant.capabilities.filter((c) => invocation.data.author.capabilities.includes(c)) } },
    parentRunId: runId,
    maxCalls: CUSTOM_MAX_CALLS,
    base: env.PUBLIC_URL,
  };
  const proxy = (exports as unknown as ProxyFactory).ToolProxy({ props });
  const identity = [authority.principal.orgId, authority.principal.userId, authority.principal.credentialId, ...authority.principal.narrowings.map((n) => n.label)].join("|");
  const answer = await invokeCustomTool(env.LOADER, invocation.data, { args, connection: resolved.connection.name, identity, proxy, timeoutMs: upstreamTimeout(env) });
  switch (answer.kind) {
    case "timeout":
      return { ok: false, status: 504, error: { code: "timeout", message: `the tool did not finish within ${answer.afterMs} ms` } };
    case "crashed":
      return { ok: false, status: 502, error: { code: "sandbox_failed", message: `the sandbox stopped the tool: ${answer.message}`.slice(0, 2048) } };
    case "threw": {
      const code = answer.error.name === "ToolError" ? `tool_error:${answer.error.code ?? "failed"}`.slice(0, 64) : "tool_failed";
      return { ok: false, status: 502, error: { code, message: `${answer.error.name}: ${answer.error.message}`.slice(0, 2048) }, logs: answer.logs };
    }
    case "returned": {
      const breach = scanJsonValue(answer.value, JSON_LIMITS.upstream);
      const parsed = breach === null ? JsonValueSchema.safeParse(answer.value) : null;
      if (!parsed?.success) return { ok: false, status: 502, error: { code: "invalid_result", message: breach ? `the returned value ${describeBreach(breach)}` : "the returned value is not JSON" }, logs: answer.logs };
      return { ok: true, value: parsed.data, logs: answer.logs };
    }
  }
}
