import { z } from "zod";
import { EpochMs, RecordId, ScopeId } from "./common";

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
 * What a credential may do beyond search, describe and call (DESIGN invariant 9). A person's
 * interactive sign-in (session) holds both; an OAuth grant holds `approve` (the person consented
 * in a browser); an API key holds only what was granted to it when it was minted.
 */
export const CredentialCapability = z.enum(["approve", "manage-keys"]);
export type CredentialCapability = z.infer<typeof CredentialCapability>;

export const ApiKeyInput = z
  .object({ name: z.string().trim().min(1, "must not be empty").max(100), toolkit: ToolkitRef.nullable().default(null) })
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
});
export type Member = z.infer<typeof Member>;

/** What the gateway needs to build a principal: who, in which org, with which role. */
export const Identity = z.object({ user: User, org: Org, role: OrgRole });
export type Identity = z.infer<typeof Identity>;

/** The grant an OAuth token carries (`props`): the user, the org, and an optional toolkit. */
export const GrantProps = z.object({ userId: RecordId, orgId: ScopeId, toolkit: ToolkitRef.nullable() });
export type GrantProps = z.infer<typeof GrantProps>;
