import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { Connection } from "../../../schemas";
import type { AuthContext } from "../auth/principal";
import type { Env } from "../env";
import { HttpError } from "../../shared/problem";
import { unwrap } from "../../shared/result";
import { envSecretPrefix } from "../../invoke/secrets/resolve";
import { seal } from "../../invoke/secrets/vault";
import type { ScopeChoice } from "./scope-access";
import { requireWholeAuthority, writableScope } from "./scope-access";
import { assertNotBuiltin } from "./builtin";
import { ensureExecutorSource } from "../../invoke/builtin/executor-seed";

export type ConnectionRequest = {
  scope: ScopeChoice;
  source: string;
  name: string;
  /** A secret value: sealed into the vault, never stored or returned in the clear. */
  secret?: string | undefined;
  /** Or a reference to a Worker secret (`env://EXECUTOR_SECRET_…`). */
  secretRef?: string | undefined;
};

/** The connection's source must be placed in its scope or an outer one, or the connection could reach nothing. */
async function assertSourceReachable(env: Env, auth: AuthContext, which: ScopeChoice, source: string): Promise<void> {
  const scopes = which === "org" ? [auth.identity.org.id] : [auth.identity.user.id, auth.identity.org.id];
  for (const scope of scopes) if ((await scopeCatalog(env.SCOPE_CATALOG, scope).getSource(source)).ok) return;
  throw new HttpError(422, "validation-failed", `field 'source': no source '${source}' reachable from the ${which} scope`, {
    errors: [{ path: "source", message: "no such source in this scope or an outer one" }],
  });
}

function refError(message: string): HttpError {
  return new HttpError(422, "validation-failed", `field 'secretRef': ${message}`, { errors: [{ path: "secretRef", message }] });
}

/**
 * Worker secrets are the deployment's: only an org owner may bind one, only in the org scope, and
 * only a secret assigned to that org by name (secrets/resolve.ts).
 */
export function assertEnvRefAllowed(auth: AuthContext, which: ScopeChoice, ref: string): void {
  if (!ref.startsWith("env://")) throw refError("only env:// references can be set directly; send `secret` for the vault");
  if (which !== "org" || auth.identity.role !== "owner") {
    throw new HttpError(403, "forbidden", "only an org owner can bind a Worker secret, and only to an org connection");
  }
  const prefix = envSecretPrefix(auth.identity.org.id);
  if (!ref.slice("env://".length).startsWith(prefix)) throw refError(`Worker secrets for this organization are named ${prefix}*`);
}

export async function createConnection(env: Env, auth: AuthContext, req: ConnectionRequest): Promise<Connection> {
  const scope = writableScope(auth, req.scope);
  assertNotBuiltin(req.source, "take another connection");
  await assertSourceReachable(env, auth, req.scope, req.source);
  const catalog = scopeCatalog(env.SCOPE_CATALOG, scope);
  if (req.secret !== undefined) {
    const sealed = await seal(env.VAULT_KEY, scope, req.secret);
    return unwrap(await catalog.createConnection({ source: req.source, name: req.name, secretRef: `vault://${sealed.id}` }, sealed));
  }
  if (req.secretRef !== undefined) assertEnvRefAllowed(auth, req.scope, req.secretRef);
  return unwrap(await catalog.createConnection({ source: req.source, name: req.name, secretRef: req.secretRef ?? null }));
}

/** Rotates (or clears) a connection's secret; the old vault value is deleted in the same transaction. */
export async function updateConnectionSecret(
  env: Env,
  auth: AuthContext,
  which: ScopeChoice,
  source: string,
  name: string,
  change: { secret?: string | undefined; secretRef?: string | null | undefined },
): Promise<Connection> {
  const scope = writableScope(auth, which);
  assertNotBuiltin(source, "hold a secret");
  const catalog = scopeCatalog(env.SCOPE_CATALOG, scope);
  if (change.secret !== undefined) {
    const sealed = await seal(env.VAULT_KEY, scope, change.secret);
    return unwrap(await catalog.updateConnection(source, name, `vault://${sealed.id}`, sealed));
  }
  if (change.secretRef) assertEnvRefAllowed(auth, which, change.secretRef);
  return unwrap(await catalog.updateConnection(source, name, change.secretRef ?? null));
}

/** Removes a connection (and its vault secret) from one of the caller's scopes. */
export async function removeConnection(env: Env, auth: AuthContext, which: ScopeChoice, source: string, name: string): Promise<Connection> {
  const scope = writableScope(auth, which);
  assertNotBuiltin(source, "lose its connection");
  return unwrap(await scopeCatalog(env.SCOPE_CATALOG, scope).deleteConnection(source, name));
}

/** Connections placed in any of the caller's scopes, outer first (visibility is the union, DESIGN §3). */
export async function listPlacedConnections(env: Env, auth: AuthContext): Promise<Connection[]> {
  requireWholeAuthority(auth);
  // The built-in sources' connections are part of the view from the first request on.
  await ensureExecutorSource(env, auth.principal.orgId);
  const lists = await Promise.all(auth.principal.chain.map((s) => scopeCatalog(env.SCOPE_CATALOG, s.id).listConnections()));
  return lists.flatMap((l) => unwrap(l));
}
