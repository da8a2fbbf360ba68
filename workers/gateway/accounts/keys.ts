import { accountDirectory } from "../../../durable-objects/account-directory/client";
import { userCredentials } from "../../../durable-objects/credential-shard/client";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { ApiKey, ApiKeyInput } from "../../../schemas";
import { requireCapability } from "../../shared/capabilities";
import { API_KEY_PREFIX, displayPrefix, shardedToken } from "../auth/credentials";
import type { AuthContext } from "../auth/principal";
import { randomToken, tokenHash } from "../../shared/crypto";
import type { Env } from "../env";
import { HttpError } from "../../shared/problem";
import { unwrap } from "../../shared/result";

function invalid(path: string, message: string): HttpError {
  return new HttpError(422, "validation-failed", `field '${path}': ${message}`, { errors: [{ path, message }] });
}

/**
 * Authority only narrows (DESIGN invariant 9): a key is never broader or longer-lived than the
 * credential that mints it. Minting needs `manage-keys`; the new key's capabilities are a subset of
 * the minter's; `approve` is granted only by an owner signed in as a person (never by a key an agent
 * could hold); a toolkit-bound minter mints keys for its toolkit only; a key minted by a key expires
 * no later than it and stops working when it does (parentKeyId, checked on every use).
 */
function assertMayMint(auth: AuthContext, input: ApiKeyInput, parent: ApiKey | null, now: number): void {
  const parentExpiresAt = parent?.expiresAt ?? null;
  requireCapability(auth, "manage-keys", "create API keys");
  const held = auth.grant.toolkit;
  if (held !== null && input.toolkit !== held) {
    throw new HttpError(403, "forbidden", `this credential is limited to toolkit '${held}' and cannot create a key beyond it`);
  }
  const beyond = input.capabilities.filter((c) => !auth.grant.capabilities.includes(c));
  if (beyond.length > 0) throw new HttpError(403, "forbidden", `this credential cannot grant capabilities it does not hold: ${beyond.join(", ")}`);
  if (input.capabilities.includes("approve") && (auth.principal.kind !== "session" || auth.identity.role !== "owner")) {
    throw new HttpError(403, "forbidden", "only an owner signed in as a person can create a key with the approve capability");
  }
  if (input.expiresAt !== null && input.expiresAt <= now) throw invalid("expiresAt", "must be in the future");
  if (parent && parent.allowedOrigins.length > 0 && (input.allowedOrigins.length === 0 || input.allowedOrigins.some((o) => !parent.allowedOrigins.includes(o)))) {
    throw invalid("allowedOrigins", "must be a non-empty subset of the minting key's own allowed origins");
  }
  if (parent?.rateLimitPerMinute != null && (input.rateLimitPerMinute === null || input.rateLimitPerMinute > parent.rateLimitPerMinute)) {
    throw invalid("rateLimitPerMinute", `must be set, and at most the minting key's own (${parent.rateLimitPerMinute})`);
  }
  if (parentExpiresAt !== null && (input.expiresAt === null || input.expiresAt > parentExpiresAt)) {
    throw invalid("expiresAt", `must be set, and no later than the minting key's own expiry (${new Date(parentExpiresAt).toISOString()})`);
  }
}

async function assertToolkitReachable(env: Env, auth: AuthContext, toolkit: string | null): Promise<void> {
  if (toolkit === null) return;
  const [scope = "", slug = ""] = toolkit.split("/");
  const inChain = auth.principal.chain.some((s) => s.id === scope);
  const found = inChain ? await scopeCatalog(env.SCOPE_CATALOG, scope).getToolkit(slug) : null;
  if (!found?.ok) throw invalid("toolkit", `no toolkit '${toolkit}' in your scopes`);
}

type HeldKey = { key: ApiKey; legacy: boolean };

/**
 * The caller's keys in this org, newest first: those in their credential shard and those issued
 * before sharding (still in the directory), marked so each is changed where it lives.
 */
async function heldKeys(env: Env, auth: AuthContext): Promise<HeldKey[]> {
  const { org, user } = auth.identity;
  const [sharded, legacy] = await Promise.all([
    userCredentials(env.CREDENTIAL_SHARD, user.id).listApiKeys(org.id, user.id),
    accountDirectory(env.ACCOUNT_DIRECTORY).listApiKeys(org.id, user.id),
  ]);
  const held = [...unwrap(sharded).map((key) => ({ key, legacy: false })), ...unwrap(legacy).map((key) => ({ key, legacy: true }))];
  return held.sort((a, b) => b.key.createdAt - a.key.createdAt);
}

/**
 * Creates an API key for the caller's user and org. The key is returned once; only its hash is
 * stored, in one write to one object: the user's credential shard, with the owner's identity as the
 * directory answers it now. A key minted by a key lives beside its parent, so that one object
 * checks the lineage on every use: a key minted by a key issued before sharding stays in the
 * directory with it (and has a token without a shard tag).
 */
export async function createApiKey(env: Env, auth: AuthContext, input: ApiKeyInput): Promise<{ key: string; apiKey: ApiKey }> {
  const directory = accountDirectory(env.ACCOUNT_DIRECTORY);
  const { org, user } = auth.identity;
  const parentKeyId = auth.principal.kind === "api_key" ? auth.principal.credentialId : null;
  let parent: HeldKey | null = null;
  if (parentKeyId !== null) {
    parent = (await heldKeys(env, auth)).find((k) => k.key.id === parentKeyId) ?? null;
    if (!parent) throw new HttpError(403, "forbidden", "the minting key is not usable");
  }
  assertMayMint(auth, input, parent?.key ?? null, Date.now());
  await assertToolkitReachable(env, auth, input.toolkit);
  const legacy = parent?.legacy === true;
  const key = legacy ? randomToken(API_KEY_PREFIX) : shardedToken(API_KEY_PREFIX, user.id);
  const fields = {
    keyHash: await tokenHash(key),
    prefix: displayPrefix(key),
    name: input.name,
    toolkit: input.toolkit,
    capabilities: input.capabilities,
    expiresAt: input.expiresAt,
    parentKeyId,
    allowedOrigins: input.allowedOrigins,
    rateLimitPerMinute: input.rateLimitPerMinute,
  };
  if (legacy) return { key, apiKey: unwrap(await directory.createApiKey({ ...fields, orgId: org.id, userId: user.id })) };
  const identity = unwrap(await directory.identity(user.id, org.id));
  return { key, apiKey: unwrap(await userCredentials(env.CREDENTIAL_SHARD, user.id).createApiKey({ ...fields, identity })) };
}

export async function listApiKeys(env: Env, auth: AuthContext): Promise<ApiKey[]> {
  requireCapability(auth, "manage-keys", "list API keys");
  return (await heldKeys(env, auth)).map((k) => k.key);
}

/** Revokes one of the caller's keys where it lives: one write; the next request with it (or a key it minted) fails. */
export async function revokeApiKey(env: Env, auth: AuthContext, keyId: string): Promise<ApiKey> {
  requireCapability(auth, "manage-keys", "revoke API keys");
  const { org, user } = auth.identity;
  let result = await userCredentials(env.CREDENTIAL_SHARD, user.id).revokeApiKey(org.id, user.id, keyId);
  if (!result.ok && result.error.code === "not_found") result = await accountDirectory(env.ACCOUNT_DIRECTORY).revokeApiKey(org.id, user.id, keyId);
  // A malformed id and another org's id answer alike: not found.
  if (!result.ok && result.error.code === "invalid_input") throw new HttpError(404, "not-found", `no active API key '${keyId}'`);
  return unwrap(result);
}
