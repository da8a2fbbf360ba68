import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { z } from "zod";
import migrations from "../../migrations/account-directory/migrations.js";
import type { ApiKey, Identity, Invitation, Member, Org, OrgRole, Result, User } from "../../schemas";
import {
  CredentialCapability,
  Email,
  EpochMs,
  OrgName,
  OrgRole as OrgRoleSchema,
  RecordId,
  ScopeId,
  Sha256Hex,
  ToolkitRef,
  WebOrigin,
  parseInput,
} from "../../schemas";
import * as keys from "./api-keys";
import * as members from "./members";
import type { SessionView } from "./sessions";
import * as sessions from "./sessions";
import * as users from "./users";

const PasswordHash = z.string().regex(/^pbkdf2-sha256\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
/** Emailed links work for at most a week. */
const TokenTtl = z.number().int().positive().max(7 * 86_400_000);
const StartSignUp = z.object({ email: Email, passwordHash: PasswordHash, orgName: OrgName, tokenHash: Sha256Hex, ttlMs: TokenTtl });
const InvitationSignUp = z.object({ tokenHash: Sha256Hex, passwordHash: PasswordHash, orgName: OrgName });
const NewSession = z.object({
  tokenHash: Sha256Hex,
  userId: RecordId,
  orgId: ScopeId,
  ttlMs: z.number().int().positive().max(90 * 86_400_000),
});
/** What a key is stored with (the CredentialShard takes the same, with the owner's identity). */
export const NewKey = z.object({
  keyHash: Sha256Hex,
  prefix: z.string().min(4).max(16),
  name: z.string().min(1).max(100),
  orgId: ScopeId,
  userId: RecordId,
  toolkit: ToolkitRef.nullable(),
  capabilities: z.array(CredentialCapability).max(CredentialCapability.options.length),
  expiresAt: EpochMs.nullable(),
  parentKeyId: RecordId.nullable(),
  allowedOrigins: z.array(WebOrigin).max(32),
  rateLimitPerMinute: z.number().int().min(1).max(100_000).nullable(),
});
const Invite = z.object({ orgId: ScopeId, byUserId: RecordId, email: Email, role: OrgRoleSchema, tokenHash: Sha256Hex, ttlMs: TokenTtl });

/**
 * Accounts: users, orgs, memberships and invitations, in one instance (`idFromName("global")`), and
 * the sessions and API keys issued before they moved to the CredentialShards (still resolved,
 * revoked and signed out here; keys minted by such a key are stored here too). Credentials arrive
 * hashed; nothing here can reveal a secret. Methods validate their arguments and answer Results
 * (see schemas/result.ts).
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

  /** Sign-up, step one: a pending request keyed by the hash of the token mailed to the address. */
  startSignUp(input: unknown): Result<{ existing: boolean }> {
    const parsed = parseInput(StartSignUp, input);
    return parsed.ok ? users.startSignUp(this.#db, parsed.value, Date.now()) : parsed;
  }

  /** Sign-up, step two: the mailed token came back; the account and its org are created. */
  completeSignUp(tokenHash: unknown): Result<{ user: User; org: Org }> {
    const parsed = parseInput(Sha256Hex, tokenHash);
    return parsed.ok ? users.completeSignUp(this.#db, parsed.value, Date.now()) : parsed;
  }

  loginRecord(email: unknown): Result<{ userId: string; passwordHash: string }> {
    const parsed = parseInput(Email, email);
    return parsed.ok ? users.loginRecord(this.#db, parsed.value) : parsed;
  }

  completeLogin(userId: unknown): Result<Identity> {
    const parsed = parseInput(RecordId, userId);
    return parsed.ok ? users.completeLogin(this.#db, parsed.value) : parsed;
  }

  identity(userId: unknown, orgId: unknown): Result<Identity> {
    const parsed = parseInput(z.tuple([RecordId, ScopeId]), [userId, orgId]);
    return parsed.ok ? users.identity(this.#db, parsed.value[0], parsed.value[1]) : parsed;
  }

  orgsOf(userId: unknown): Result<Array<Org & { role: OrgRole }>> {
    const parsed = parseInput(RecordId, userId);
    return parsed.ok ? { ok: true, value: users.orgsOf(this.#db, parsed.value) } : parsed;
  }

  /** Not called by the gateway any more (sessions open in the CredentialShards); kept so tests can reproduce a data folder from before. */
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
    return parsed.ok ? keys.createApiKey(this.#db, { ...parsed.value, capabilities: [...parsed.value.capabilities], allowedOrigins: [...parsed.value.allowedOrigins] }, Date.now()) : parsed;
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

  inviteMember(input: unknown): Result<Member & { orgName: string; invitedBy: string }> {
    const parsed = parseInput(Invite, input);
    return parsed.ok ? members.inviteMember(this.#db, parsed.value, Date.now()) : parsed;
  }

  invitation(tokenHash: unknown): Result<Invitation> {
    const parsed = parseInput(Sha256Hex, tokenHash);
    return parsed.ok ? members.invitation(this.#db, parsed.value, Date.now()) : parsed;
  }

  acceptInvitation(tokenHash: unknown, userId: unknown): Result<Identity> {
    const parsed = parseInput(z.tuple([Sha256Hex, RecordId]), [tokenHash, userId]);
    return parsed.ok ? members.acceptInvitation(this.#db, parsed.value[0], parsed.value[1], Date.now()) : parsed;
  }

  signUpFromInvitation(input: unknown): Result<{ user: User; org: Org; joined: Identity }> {
    const parsed = parseInput(InvitationSignUp, input);
    return parsed.ok ? members.signUpFromInvitation(this.#db, parsed.value, Date.now()) : parsed;
  }

  listMembers(orgId: unknown): Result<Member[]> {
    const parsed = parseInput(ScopeId, orgId);
    return parsed.ok ? { ok: true, value: members.listMembers(this.#db, parsed.value) } : parsed;
  }
}
