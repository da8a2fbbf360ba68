import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { z } from "zod";
import migrations from "../../migrations/credential-shard/migrations.js";
import type { ApiKey, Identity, Result } from "../../schemas";
import { Identity as IdentitySchema, RecordId, ScopeId, Sha256Hex, fail, parseInput } from "../../schemas";
import { NewKey } from "../account-directory";
import type { SessionView } from "../account-directory/sessions";
import * as keys from "./api-keys";
import * as principals from "./principals";
import { shardFromName, shardOfUser } from "./routing";
import * as sessions from "./sessions";

const NewShardKey = NewKey.omit({ orgId: true, userId: true }).extend({ identity: IdentitySchema });
const NewSession = z.object({ tokenHash: Sha256Hex, identity: IdentitySchema, ttlMs: z.number().int().positive().max(90 * 86_400_000) });

/**
 * The sessions and API keys of the users whose id hashes to this shard (`idFromName(shardName(n))`,
 * routing.ts), and the identity each authenticates as, so a lookup is one object and one read with
 * no call to the AccountDirectory. Every change is one transaction in this object. Credentials
 * arrive hashed; nothing here can reveal a secret. Methods validate their arguments and answer Results.
 */
export class CredentialShard extends DurableObject {
  readonly #db: DrizzleSqliteDODatabase<Record<string, never>>;
  readonly #shard: number | null;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#shard = shardFromName(ctx.id.name);
    this.#db = drizzle(ctx.storage, { logger: false });
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(this.#db, migrations);
    });
  }

  /** Only the shard a user hashes to holds their credentials, so the lookup by token finds them. */
  #mine(userId: string): Result<true> {
    return this.#shard !== null && shardOfUser(userId) === this.#shard ? { ok: true, value: true } : fail("wrong_scope", "this user's credentials live in another shard");
  }

  createSession(input: unknown): Result<SessionView> {
    const parsed = parseInput(NewSession, input);
    if (!parsed.ok) return parsed;
    const mine = this.#mine(parsed.value.identity.user.id);
    return mine.ok ? sessions.createSession(this.#db, parsed.value, Date.now()) : mine;
  }

  readSession(tokenHash: unknown): Result<SessionView> {
    const parsed = parseInput(Sha256Hex, tokenHash);
    return parsed.ok ? sessions.readSession(this.#db, parsed.value, Date.now()) : parsed;
  }

  /** Moves a session to another org; `identity` is the directory's answer for that membership. */
  switchOrg(tokenHash: unknown, identity: unknown): Result<SessionView> {
    const parsed = parseInput(z.tuple([Sha256Hex, IdentitySchema]), [tokenHash, identity]);
    return parsed.ok ? sessions.switchOrg(this.#db, parsed.value[0], parsed.value[1], Date.now()) : parsed;
  }

  deleteSession(tokenHash: unknown): Result<{ deleted: boolean }> {
    const parsed = parseInput(Sha256Hex, tokenHash);
    return parsed.ok ? sessions.deleteSession(this.#db, parsed.value) : parsed;
  }

  createApiKey(input: unknown): Result<ApiKey> {
    const parsed = parseInput(NewShardKey, input);
    if (!parsed.ok) return parsed;
    const mine = this.#mine(parsed.value.identity.user.id);
    const value = { ...parsed.value, capabilities: [...parsed.value.capabilities], allowedOrigins: [...parsed.value.allowedOrigins] };
    return mine.ok ? keys.createApiKey(this.#db, value, Date.now()) : mine;
  }

  listApiKeys(orgId: unknown, userId: unknown): Result<ApiKey[]> {
    const parsed = parseInput(z.tuple([ScopeId, RecordId]), [orgId, userId]);
    return parsed.ok ? { ok: true, value: keys.listApiKeys(this.#db, ...parsed.value) } : parsed;
  }

  revokeApiKey(orgId: unknown, userId: unknown, keyId: unknown): Result<ApiKey> {
    const parsed = parseInput(z.tuple([ScopeId, RecordId, RecordId]), [orgId, userId, keyId]);
    return parsed.ok ? keys.revokeApiKey(this.#db, ...parsed.value, Date.now()) : parsed;
  }

  resolveApiKey(keyHash: unknown): Result<{ key: ApiKey; identity: Identity }> {
    const parsed = parseInput(Sha256Hex, keyHash);
    return parsed.ok ? keys.resolveApiKey(this.#db, parsed.value, Date.now()) : parsed;
  }

  /** The identity recorded for (user, org), for OAuth tokens of a person who signed in here; not_found otherwise. */
  identity(userId: unknown, orgId: unknown): Result<Identity> {
    const parsed = parseInput(z.tuple([RecordId, ScopeId]), [userId, orgId]);
    return parsed.ok ? principals.principalIdentity(this.#db, ...parsed.value) : parsed;
  }

  /** Ends every credential of (user, org) here (principals.ts): for a membership that changes or ends. */
  dropPrincipal(userId: unknown, orgId: unknown): Result<{ sessions: number; keys: number }> {
    const parsed = parseInput(z.tuple([RecordId, ScopeId]), [userId, orgId]);
    return parsed.ok ? principals.dropPrincipal(this.#db, ...parsed.value, Date.now()) : parsed;
  }
}
