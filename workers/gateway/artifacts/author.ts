import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { AuthContext } from "../../shared/auth-context";
import type { Env } from "../../shared/env";
import { requireCapability } from "../../shared/capabilities";
import { unwrap } from "../../shared/result";
import type { DeployRecord } from "./deploy";
import { deploy } from "./deploy";
import { artifactStore, repoForScope } from "./store";

/**
 * Authoring over MCP (issue 11): writes one file into the caller's **user** scope, the inner tier,
 * by deploying the scope's live files with that file added or replaced, through every check a
 * deploy makes. It needs the `author-tools` capability, not `administer`: it changes only what the
 * caller's own scope holds, and a tool it writes runs with no more than its author's authority.
 * Putting it in the org is a deploy by someone with org write (GET /v1/artifacts/pull gives the files).
 */
export async function authorFile(env: Env, auth: AuthContext, file: { path: string; text: string }, message: string, capability: "author-tools" | "trigger-register" = "author-tools"): Promise<DeployRecord> {
  requireCapability(auth, capability, capability === "author-tools" ? "author tools or skills" : "create workflows");
  const scope = auth.identity.user.id;
  const live = unwrap(await scopeCatalog(env.SCOPE_CATALOG, scope).liveArtifacts());
  const files = live ? ((await artifactStore(env).files(repoForScope(scope), live)) ?? {}) : {};
  files[file.path] = file.text;
  return deploy(env, auth, scope, { files, message, check: false });
}
