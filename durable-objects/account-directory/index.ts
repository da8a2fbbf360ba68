import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { z } from "zod";
import migrations from "../../migrations/account-directory/migrations.js";
import type { ApiKey, Identity, Member, Org, OrgRole, Result, User } from "../../schemas";
import { Email, OrgName, OrgRole as OrgRoleSchema, RecordId, ScopeId, Sha256Hex, ToolkitRef, parseInput } from "../../schemas";
import * as keys from "./api-keys";
import * as members from "./members";
import type { SessionView } from "./sessions";
import * as sessions from "./sessions";
import * as users from "./users";

const PasswordHash = z.string().regex(/^pbkdf2-sha256\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
const SignUp = z.object({ email: Email, passwordHash: PasswordHash, orgName: OrgName });
const NewSession = z.object({
  tokenHash: Sha256Hex,
  userId: RecordId,
  orgId: ScopeId,
  ttlMs: z.number().int().positive().max(90 * 86_400_000),
});
const NewKey = z.object({
  keyHash: Sha256Hex,
  prefix: z.string().min(4).max(16),
  name: z.string().min(1).max(100),
  orgId: ScopeId,
  userId: RecordId,
  toolkit: ToolkitRef.nullable(),
});
const Invite = z.object({ orgId: ScopeId, byUserId: RecordId, email: Email, role: OrgRoleSchema });

/**
 * Accounts: users, orgs, memberships, invitations, sessions and API keys, in one instance
 * (`idFromName("global")`). Credentials arrive hashed; nothing here can reveal a secret. Methods
 * validate their arguments and answer Results (see schemas/result.ts).
 */
export class AccountDirectory extends DurableObject {
  readonly #db: DrizzleSqliteDODatabase<Record<string, never>>;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#db = drizzle(ctx.storage, { logger: false });
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(this.#db, migrations);
    });
  }

  signUp(input: unknown): Result<{ user: User; org: Org }> {
    const parsed = parseInput(SignUp, input);
    return parsed.ok ? users.signUp(this.#db, parsed.value, Date.now()) : parsed;
  }

  loginRecord(email: unknown): Result<{ userId: string; passwordHash: string }> {
    const parsed = parseInput(Email, email);
    return parsed.ok ? users.loginRecord(this.#db, parsed.value) : parsed;
  }

  completeLogin(userId: unknown): Result<Identity> {
    const parsed = parseInput(RecordId, userId);
    return parsed.ok ? users.completeLogin(this.#db, parsed.value, Date.now()) : parsed;
  }

  identity(userId: unknown, orgId: unknown): Result<Identity> {
    const parsed = parseInput(z.tuple([RecordId, ScopeId]), [userId, orgId]);
    return parsed.ok ? users.identity(this.#db, parsed.value[0], parsed.value[1]) : parsed;
  }

  orgsOf(userId: unknown): Result<Array<Org & { role: OrgRole }>> {
    const parsed = parseInput(RecordId, userId);
    return parsed.ok ? { ok: true, value: users.orgsOf(this.#db, parsed.value) } : parsed;
  }

  createSession(input: unknown): Result<SessionView> {
    const parsed = parseInput(NewSession, input);
    return parsed.ok ? sessions.createSession(this.#db, parsed.value, Date.now()) : parsed;
  }

  readSession(tokenHash: unknown): Result<SessionView> {
    const parsed = parseInput(Sha256Hex, tokenHash);
    return parsed.ok ? sessions.readSession(this.#db, parsed.value, Date.now()) : parsed;
  }

  switchOrg(tokenHash: unknown, orgId: unknown): Result<SessionView> {
    const parsed = parseInput(z.tuple([Sha256Hex, ScopeId]), [tokenHash, orgId]);
    return parsed.ok ? sessions.switchOrg(this.#db, parsed.value[0], parsed.value[1], Date.now()) : parsed;
  }

  deleteSession(tokenHash: unknown): Result<{ deleted: boolean }> {
    const parsed = parseInput(Sha256Hex, tokenHash);
    return parsed.ok ? sessions.deleteSession(this.#db, parsed.value) : parsed;
  }

  createApiKey(input: unknown): Result<ApiKey> {
    const parsed = parseInput(NewKey, input);
    return parsed.ok ? keys.createApiKey(this.#db, parsed.value, Date.now()) : parsed;
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

  inviteMember(input: unknown): Result<Member> {
    const parsed = parseInput(Invite, input);
    return parsed.ok ? members.inviteMember(this.#db, parsed.value, Date.now()) : parsed;
  }

  listMembers(orgId: unknown): Result<Member[]> {
    const parsed = parseInput(ScopeId, orgId);
    return parsed.ok ? { ok: true, value: members.listMembers(this.#db, parsed.value) } : parsed;
  }
}
