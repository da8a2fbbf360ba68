import { toolkitToNarrowing } from "../../../core/toolset";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { CredentialCapability, Identity, Narrowing, Principal, PrincipalKind, ToolkitRef } from "../../../schemas";
import { GrantProps } from "../../../schemas";
import type { AuthContext, RouteLimits } from "../../shared/auth-context";
import type { Env } from "../env";
import { API_KEY_PREFIX, lookupApiKey, lookupSession, memberIdentity } from "./credentials";
import type { Resource } from "./oauth";
import { oauthServer, resourceUrl } from "./oauth";

export type { AuthContext } from "../../shared/auth-context";

export { API_KEY_PREFIX } from "./credentials";

/**
 * A toolkit narrowing. A toolkit that no longer exists, or sits in a scope the principal does not
 * hold, narrows to nothing: a credential bound to a toolkit can never fall back to the whole scope.
 */
async function narrowingFor(env: Env, identity: Identity, ref: ToolkitRef | null): Promise<Narrowing[]> {
  if (ref === null) return [];
  const [scope = "", slug = ""] = ref.split("/");
  const held = scope === identity.org.id || scope === identity.user.id;
  const found = held ? await scopeCatalog(env.SCOPE_CATALOG, scope).getToolkit(slug) : null;
  if (found?.ok) return [toolkitToNarrowing(found.value)];
  return [{ label: `${ref} (unavailable)`, tools: [], patterns: [] }];
}

export async function buildAuthContext(
  env: Env,
  kind: PrincipalKind,
  credentialId: string,
  identity: Identity,
  toolkit: ToolkitRef | null,
  capabilities: readonly CredentialCapability[],
  routes?: RouteLimits,
): Promise<AuthContext> {
  return {
    identity,
    grant: { toolkit, capabilities, ...(routes ? { routes } : {}) },
    principal: {
      kind,
      credentialId,
      userId: identity.user.id,
      orgId: identity.org.id,
      // DESIGN §2: outer (authority) → inner (actor).
      chain: [
        { id: identity.org.id, kind: "org" },
        { id: identity.user.id, kind: "user" },
      ],
      narrowings: await narrowingFor(env, identity, toolkit),
    },
  };
}

/**
 * An OAuth grant is a person's consent in a browser: it may approve. A grant for the HTTP API (the
 * CLI's, say) may also administer; one for /mcp (an agent's) may not change what gates it. Neither
 * mints keys: a key would outlive the grant (DESIGN invariant 9). Both may author personal tools.
 */
function oauthCapabilities(resource: Resource): CredentialCapability[] {
  // Authoring writes only into the person's own user scope, and a tool never exceeds its author.
  return resource === "v1" ? ["administer", "approve", "author-tools", "trigger-register"] : ["approve", "author-tools", "trigger-register"];
}

/** Resolves `Authorization: Bearer …` for one resource: an API key, or an OAuth access token bound to it. */
export async function authenticateBearer(env: Env, resource: Resource, token: string): Promise<AuthContext | null> {
  if (token.startsWith(`${API_KEY_PREFIX}_`)) {
    const found = await lookupApiKey(env, token);
    if (!found) return null;
    const { key } = found;
    const context = await buildAuthContext(env, "api_key", key.id, found.identity, key.toolkit, key.capabilities, {
      keyId: key.id,
      allowedOrigins: key.allowedOrigins,
      rateLimitPerMinute: key.rateLimitPerMinute,
    });
    return { ...context, apiKey: { hash: found.hash, shard: found.shard } };
  }
  const expected = resourceUrl(env, resource);
  const validated = await oauthServer(env).validateToken(expected, token, env);
  // RFC 8707 / MCP authorization: accept only tokens whose audience is this resource.
  if (!validated || validated.audience !== expected) return null;
  const props = GrantProps.safeParse(validated.props);
  if (!props.success) return null;
  const identity = await memberIdentity(env, props.data.userId, props.data.orgId);
  if (!identity) return null; // membership ended since the grant: the token no longer works
  return buildAuthContext(env, "oauth", `oauth:${validated.clientId}`, identity, props.data.toolkit, oauthCapabilities(resource));
}

/** Resolves a session cookie value to its live identity. */
export async function authenticateSession(env: Env, sessionToken: string): Promise<AuthContext | null> {
  const session = await lookupSession(env, sessionToken);
  if (!session) return null;
  return buildAuthContext(env, "session", session.id, session.identity, null, ["administer", "approve", "manage-keys", "author-tools", "trigger-register"]);
}
