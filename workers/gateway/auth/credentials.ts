import { accountDirectory } from "../../../durable-objects/account-directory/client";
import type { SessionView } from "../../../durable-objects/account-directory/sessions";
import { credentialShard, userCredentials } from "../../../durable-objects/credential-shard/client";
import { credentialHome, shardOfUser, shardTag } from "../../../durable-objects/credential-shard/routing";
import type { ApiKey, Identity, Result } from "../../../schemas";
import { fail } from "../../../schemas";
import { randomToken, tokenHash } from "../../shared/crypto";
import type { Env } from "../env";

// Where sessions and API keys live, in one place (docs/architecture.md, "Credential lookups"). A
// credential issued now lives in its user's CredentialShard, named by the tag in its token, and a
// lookup reads that one object; a credential issued before sharding (a token without a tag) is
// still read, revoked and listed where it was issued, in the AccountDirectory's own tables.

export const API_KEY_PREFIX = "exk";
export const SESSION_PREFIX = "ses";

/** A new secret token that names its user's shard: `<prefix>_<tag>_<32 base32>` (160 random bits). */
export function shardedToken(prefix: string, userId: string): string {
  return randomToken(`${prefix}_${shardTag(shardOfUser(userId))}`);
}

/** The part of a key shown in lists: everything before the secret, and its first four characters. */
export function displayPrefix(key: string): string {
  return key.slice(0, key.length - 28);
}

/**
 * Resolves a presented API key to its key and identity now, or null (unknown, malformed, revoked,
 * expired), with where it was found (its hash and shard), so what the key sets up to run later can
 * look it up again without the key itself.
 */
export async function lookupApiKey(env: Env, token: string): Promise<{ key: ApiKey; identity: Identity; hash: string; shard: number | null } | null> {
  const home = credentialHome(token, API_KEY_PREFIX);
  if (!home) return null;
  const hash = await tokenHash(token);
  const found = "shard" in home ? await credentialShard(env.CREDENTIAL_SHARD, home.shard).resolveApiKey(hash) : await accountDirectory(env.ACCOUNT_DIRECTORY).resolveApiKey(hash);
  return found.ok ? { ...found.value, hash, shard: "shard" in home ? home.shard : null } : null;
}

/** Resolves a session cookie value to its live session, or null. */
export async function lookupSession(env: Env, token: string): Promise<SessionView | null> {
  const home = credentialHome(token, SESSION_PREFIX);
  if (!home) return null;
  const hash = await tokenHash(token);
  const found = "shard" in home ? await credentialShard(env.CREDENTIAL_SHARD, home.shard).readSession(hash) : await accountDirectory(env.ACCOUNT_DIRECTORY).readSession(hash);
  return found.ok ? found.value : null;
}

/**
 * Opens a session for an identity the directory just answered (sign-up, log-in, invitation). One
 * write, in the user's shard; the token names it.
 */
export async function startSession(env: Env, identity: Identity, ttlMs: number): Promise<{ token: string; session: Result<SessionView> }> {
  const token = shardedToken(SESSION_PREFIX, identity.user.id);
  const session = await userCredentials(env.CREDENTIAL_SHARD, identity.user.id).createSession({ tokenHash: await tokenHash(token), identity, ttlMs });
  return { token, session };
}

/** Signs a session out where it lives; the next request with it fails. */
export async function endSession(env: Env, token: string): Promise<void> {
  const home = credentialHome(token, SESSION_PREFIX);
  if (!home) return;
  const hash = await tokenHash(token);
  if ("shard" in home) await credentialShard(env.CREDENTIAL_SHARD, home.shard).deleteSession(hash);
  else await accountDirectory(env.ACCOUNT_DIRECTORY).deleteSession(hash);
}

/**
 * Moves a session to another org its user belongs to. The membership is checked in the directory
 * (the source of truth for memberships), then the move and that identity are one write in the shard.
 */
export async function switchSessionOrg(env: Env, token: string, orgId: string): Promise<Result<SessionView>> {
  const home = credentialHome(token, SESSION_PREFIX);
  if (!home) return fail("not_found", "no such session");
  const hash = await tokenHash(token);
  const directory = accountDirectory(env.ACCOUNT_DIRECTORY);
  if (!("shard" in home)) return directory.switchOrg(hash, orgId);
  const shard = credentialShard(env.CREDENTIAL_SHARD, home.shard);
  const current = await shard.readSession(hash);
  if (!current.ok) return current;
  const identity = await directory.identity(current.value.identity.user.id, orgId);
  if (!identity.ok) return fail("not_found", "no such organization");
  return shard.switchOrg(hash, identity.value);
}

/**
 * The identity of a member for an OAuth token (whose grant names user and org): as recorded in the
 * user's shard when they signed in there, else (a person who has not signed in since sharding) the
 * directory's, so an OAuth request reaches the directory only until its person signs in once.
 */
export async function memberIdentity(env: Env, userId: string, orgId: string): Promise<Identity | null> {
  const recorded = await userCredentials(env.CREDENTIAL_SHARD, userId).identity(userId, orgId);
  if (recorded.ok) return recorded.value;
  const found = await accountDirectory(env.ACCOUNT_DIRECTORY).identity(userId, orgId);
  return found.ok ? found.value : null;
}
