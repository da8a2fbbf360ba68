import { inToolset } from "../../../core/toolset";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { RunSurface } from "../../../schemas";
import type { CallOutcome } from "../../invoke/call";
import { callTool } from "../../invoke/call";
import type { AuthContext } from "../../shared/auth-context";
import type { Env } from "../../shared/env";
import { HttpError } from "../../shared/problem";
import { unwrap } from "../../shared/result";
import type { ScopeChoice } from "./scope-access";

/**
 * "Test connection": calls a cheap operation through the one invocation path (so it is a Run and
 * policy applies): the source config's `testTool` if its plugin has one, else a read tool with no
 * required input, preferring list/get/whoami-style operations. Shared by
 * `POST /v1/connections/:source/:name/test` and the Connections page.
 */
export async function testConnection(
  env: Env,
  auth: AuthContext,
  which: ScopeChoice,
  source: string,
  name: string,
  surface: RunSurface,
): Promise<CallOutcome> {
  const scope = auth.principal.chain.find((s) => s.kind === which)?.id ?? auth.identity.org.id;
  // Only tools the caller's toolset reaches are candidates (DESIGN §3: the narrowed executor is all it has).
  const reachable = (tool: string): boolean => inToolset(auth.principal.narrowings, `${source}.${scope}.${name}.${tool}`);
  const tool = await pickTestTool(env, auth.principal.chain.map((s) => s.id), scope, source, reachable);
  // Same answer for a source that exists elsewhere, or only outside the caller's toolkit, as for one that exists nowhere.
  if (tool === undefined) throw new HttpError(404, "not-found", "no such source reachable from that scope");
  if (!tool) throw new HttpError(422, "validation-failed", "this source has no read operation without required input to test with");
  return callTool(env, auth, { address: `${source}.${scope}.${name}.${tool}`, args: {}, surface });
}

/**
 * The test tool's name; null when the source has none; undefined when no such source is reachable,
 * which includes a source none of whose tools the caller's toolset reaches.
 */
async function pickTestTool(
  env: Env,
  chain: string[],
  scope: string,
  slug: string,
  reachable: (tool: string) => boolean,
): Promise<string | null | undefined> {
  const depth = chain.indexOf(scope);
  for (let i = depth; i >= 0; i--) {
    const catalog = scopeCatalog(env.SCOPE_CATALOG, chain[i] ?? "");
    const source = await catalog.getSource(slug);
    if (!source.ok) continue;
    const tools = unwrap(await catalog.listTools(slug)).filter((t) => reachable(t.name));
    if (tools.length === 0) return undefined;
    const configured = source.value.config.testTool;
    if (typeof configured === "string") return reachable(configured) ? configured : undefined;
    const cheap = tools.filter((t) => {
      const required = t.inputSchema?.required;
      return t.sideEffect === "read" && t.status === "granted" && (!Array.isArray(required) || required.length === 0);
    });
    // Listing or "who am I" operations are the conventional cheap probes.
    const probe = cheap.find((t) => /^(list|get|me$|whoami|viewer|query_viewer)/i.test(t.name)) ?? cheap[0];
    return probe?.name ?? null;
  }
  return undefined;
}
