import { isEgressError } from "../../core/egress";
import type { JsonObject, JsonValue, RunError, ToolDefinition } from "../../schemas";
import type { Credential } from "../../sources/types";
import type { Env } from "../shared/env";
import { credentialValues, Redactor } from "../../core/redaction";
import { resolveSecret, scrub } from "./secrets/resolve";
import type { ResolvedTool } from "./catalog-view";
import { egressFor, upstreamTimeout } from "./egress";
import { pluginFor } from "./plugins";
import { executeExecutorTool } from "./builtin/executor-actions";
import { executeCustomTool } from "./custom-tools";
import { executeStoreTool } from "./builtin/store-actions";
import { writeOnlyValues } from "./write-only";
import type { AuthContext } from "../shared/auth-context";
import type { StageTimer } from "../shared/timing";

/** `logs`: console output of a custom tool's sandbox, kept on its Run. */
export type Execution = { ok: true; value: JsonValue; logs?: string[] } | { ok: false; error: RunError; status: number; logs?: string[] };

/** The stored tool as its plugin's definition: what `invokeTool` (and `destination`) are handed. */
export function definitionOf(resolved: ResolvedTool): ToolDefinition {
  const { tool } = resolved;
  const def: ToolDefinition = {
    name: tool.name,
    description: tool.description,
    sideEffect: tool.sideEffect,
    hash: tool.hash,
    invocation: tool.invocation,
  };
  if (tool.inputSchema) def.inputSchema = tool.inputSchema;
  if (tool.outputSchema) def.outputSchema = tool.outputSchema;
  return def;
}

/**
 * A value with every secret removed, in every wire form, from every string, keys included, however
 * deep (DESIGN invariant 1; core/redaction). Leaves are redacted as strings, so characters JSON
 * would escape inside a secret (quotes, backslashes) cannot hide it.
 */
export function scrubValue(value: JsonValue, secrets: readonly string[]): JsonValue {
  return new Redactor(secrets).json(value);
}

/**
 * Invokes an admitted tool through its source plugin, in trusted code: the connection's secret is
 * resolved just in time, all egress goes through the guard, and nothing that leaves this function
 * can carry the secret.
 */
export async function execute(
  env: Env,
  resolved: ResolvedTool,
  args: JsonObject,
  opts: { orgId: string; idempotencyKey?: string; actor?: AuthContext; runId?: string; timer?: StageTimer },
): Promise<Execution> {
  const { source, connection } = resolved;
  // Write-only arguments (a password, a connection's secret) leave in no result, like a credential.
  const writeOnly = writeOnlyValues(resolved.tool.inputSchema, args);
  if (source.kind === "executor") return executeExecutorTool(env, opts.actor, resolved.tool.name, args, writeOnly);
  if (source.kind === "store") return scrubExecution(await executeStoreTool(env, resolved, args), writeOnly);
  if (source.kind === "custom") return scrubExecution(await executeCustomTool(env, opts.actor, resolved, args, opts.runId), writeOnly);
  const plugin = pluginFor(source.kind);
  if (!plugin) return { ok: false, status: 501, error: { code: "unsupported_source", message: `no plugin for ${source.kind} sources` } };
  const config = plugin.parseConfig(source.config);
  if (!config.ok) return { ok: false, status: 500, error: { code: "invalid_source_config", message: "the source's stored config is invalid" } };

  let credential: Credential | null = null;
  // What was put on the wire: the credential's values, and what the plugin derived from it (a
  // client-credentials access token) as it reports them. Everything that leaves is redacted of all.
  const secrets: string[] = [...writeOnly];
  if (connection.secretRef) {
    const secret = await resolveSecret(env, connection.scope, connection.secretRef, opts.orgId, resolved.sealed);
    if (!secret.ok) return { ok: false, status: 424, error: { code: "credential_unavailable", message: secret.reason } };
    secrets.push(...credentialValues(secret.value));
    const template = source.auth[0] ?? { type: "http" as const, scheme: "bearer" as const };
    credential = { template, secret: secret.value };
  }

  opts.timer?.mark("secret");
  const egress = egressFor(env, source);
  const refused = (): Execution | null => {
    const refusal = egress.refusal();
    return refusal ? { ok: false, status: 502, error: { code: "egress_refused", message: scrub(refusal.message, secrets).slice(0, 512) } } : null;
  };
  try {
    const result = await plugin.invokeTool(definitionOf(resolved), args, credential, {
      fetch: egress.fetch,
      config: source.config,
      signal: AbortSignal.timeout(upstreamTimeout(env)),
      secret: (value) => void secrets.push(value),
      ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
    });
    opts.timer?.mark("upstream");
    const refusal = refused();
    if (refusal) return refusal;
    if (result.ok) return { ok: true, value: scrubValue(result.value, secrets) };
    const status = result.error.code === "timeout" ? 504 : result.error.code === "invalid_arguments" ? 422 : 502;
    return {
      ok: false,
      status,
      error: { code: result.error.code, message: scrub(result.error.message, secrets).slice(0, 2048) },
    };
  } catch (error) {
    const refusal = refused();
    if (refusal) return refusal;
    if (isEgressError(error)) {
      return { ok: false, status: 504, error: { code: "timeout", message: "the upstream did not answer in time" } };
    }
    // An unexpected plugin failure: record its class only, never its message (it could hold the secret).
    const name = error instanceof Error ? error.name : "Error";
    return { ok: false, status: 502, error: { code: "plugin_failed", message: `the source plugin failed (${name})` } };
  }
}

/** A sandboxed tool saw its write-only arguments; none of them leaves in its result, error or logs. */
function scrubExecution(result: Execution, secrets: readonly string[]): Execution {
  if (secrets.length === 0) return result;
  const logs = result.logs?.map((l) => scrub(l, secrets));
  if (result.ok) return { ok: true, value: scrubValue(result.value, secrets), ...(logs ? { logs } : {}) };
  return { ...result, error: { ...result.error, message: scrub(result.error.message, secrets) }, ...(logs ? { logs } : {}) };
}
