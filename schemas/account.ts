import { z } from "zod";
import { EpochMs, RecordId, ScopeId } from "./common";
import { WebOrigin } from "./toolkit";

/** Emails are compared lowercased and trimmed. */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: "must be an email address" }));

/** NIST SP 800-63B §3.1.1.2: at least 8 characters, allow long passphrases. */
export const Password = z
  .string()
  .min(10, "must be at least 10 characters")
  .max(256, "must be at most 256 characters");

export const OrgName = z.string().trim().min(1, "must not be empty").max(100);

export const SignUpInput = z.object({ email: Email, password: Password, orgName: OrgName.optional() }).strict();
export type SignUpInput = z.infer<typeof SignUpInput>;

export const LogInInput = z.object({ email: Email, password: z.string().min(1).max(256) }).strict();
export type LogInInput = z.infer<typeof LogInInput>;

export const OrgRole = z.enum(["owner", "member"]);
export type OrgRole = z.infer<typeof OrgRole>;

export const User = z.object({ id: RecordId, email: z.string(), createdAt: EpochMs });
export type User = z.infer<typeof User>;

export const Org = z.object({ id: ScopeId, name: z.string(), createdAt: EpochMs });
export type Org = z.infer<typeof Org>;

/** A toolkit reference `<scope>/<slug>`: where it is placed and its name. */
export const ToolkitRef = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}\/[a-z0-9][a-z0-9-]{0,62}$/, "must be <scope>/<toolkit-slug>");
export type ToolkitRef = z.infer<typeof ToolkitRef>;

/**
 * What a credential may do beyond search, describe and call (DESIGN invariant 9):
 * - `approve`: decide other credentials' gated calls;
 * - `administer`: change what is placed in a scope (sources, connections, policies, toolkits, tool
 *   grants) and invite members: an agent that could loosen the policy gating it could approve itself;
 * - `manage-keys`: mint, list and revoke API keys.
 * A person's interactive sign-in (session) holds all three; an OAuth grant holds `approve`, plus
 * `administer` when it is for the HTTP API (the person consented in a browser); an API key holds
 * only what was granted to it when it was minted.
 */
/** `author-tools`: write custom tools and skills into one's own user scope over MCP (author_tool, create_skill). */
export const CredentialCapability = z.enum(["approve", "administer", "manage-keys", "author-tools", "trigger-register"]);
export type CredentialCapability = z.infer<typeof CredentialCapability>;

export const ApiKeyInput = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(100),
    toolkit: ToolkitRef.nullable().default(null),
    capabilities: z
      .array(CredentialCapability)
      .max(CredentialCapability.options.length)
      .default([])
      .transform((list) => [...new Set(list)].sort()),
    /** When the key stops working (epoch ms); null = until revoked. */
    expiresAt: EpochMs.nullable().default(null),
    /** Browser origins it may be used from on toolkit routes (CORS); empty = none (server-to-server only). */
    allowedOrigins: z.array(WebOrigin).max(32).default([]),
    /** Requests per minute on toolkit routes; null = the toolkit's limit only. */
    rateLimitPerMinute: z.number().int().min(1).max(100_000).nullable().default(null),
  })
  .strict();
export type ApiKeyInput = z.infer<typeof ApiKeyInput>;

/** An API key as listed: never the key, never its hash. */
export const ApiKey = z.object({
  id: RecordId,
  name: z.string(),
  prefix: z.string(),
  orgId: ScopeId,
  userId: RecordId,
  toolkit: ToolkitRef.nullable(),
  capabilities: z.array(CredentialCapability),
  expiresAt: EpochMs.nullable(),
  /** The key that minted this one (it stops working when its parent does). */
  parentKeyId: RecordId.nullable(),
  allowedOrigins: z.array(z.string()),
  rateLimitPerMinute: z.number().int().nullable(),
  createdAt: EpochMs,
  lastUsedAt: EpochMs.nullable(),
  revokedAt: EpochMs.nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;

export const MemberInput = z.object({ email: Email, role: OrgRole.default("member") }).strict();
export type MemberInput = z.infer<typeof MemberInput>;

export const Member = z.object({
  email: z.string(),
  role: OrgRole,
  status: z.enum(["active", "invited"]),
  userId: RecordId.nullable(),
  /** For an invitation: when its link stops working (null: made before links, re-send it). */
  expiresAt: EpochMs.nullable(),
});
export type Member = z.infer<typeof Member>;

/** What the gateway needs to build a principal: who, in which org, with which role. */
export const Identity = z.object({ user: User, org: Org, role: OrgRole });
export type Identity = z.infer<typeof Identity>;

/** The grant an OAuth token carries (`props`): the user, the org, and an optional toolkit. */
export const GrantProps = z.object({ userId: RecordId, orgId: ScopeId, toolkit: ToolkitRef.nullable() });
export type GrantProps = z.infer<typeof GrantProps>;

/** `POST /v1/signup/verify` and the invitation routes: a single-use token from a mailed link. */
export const EmailToken = z.string().regex(/^(ver|inv)_[0-9a-z]{32}$/, "must be the token from the emailed link");

export const VerifyInput = z.object({ token: EmailToken }).strict();
export const InvitationAcceptInput = z.object({ token: EmailToken }).strict();
export const InvitationSignUpInput = z
  .object({ token: EmailToken, password: Password, orgName: OrgName.optional() })
  .strict();
export type InvitationSignUpInput = z.infer<typeof InvitationSignUpInput>;

/** An invitation as its link holder sees it. */
export const Invitation = z.object({
  orgId: ScopeId,
  orgName: z.string(),
  email: z.string(),
  role: OrgRole,
  invitedBy: z.string(),
  expiresAt: EpochMs,
});
export type Invitation = z.infer<typeof Invitation>;
