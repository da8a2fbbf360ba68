import type { CredentialCapability, Identity, Principal, ToolkitRef } from "../../schemas";

/** An API key's own limits on toolkit routes (issue 16): the origins it may be used from, its rate. */
export type RouteLimits = { keyId: string; allowedOrigins: readonly string[]; rateLimitPerMinute: number | null };

/** Who is calling, resolved once per request and handed to routes; nothing downstream re-reads credentials. */
export type AuthContext = {
  principal: Principal;
  identity: Identity;
  /**
   * The toolkit the credential is narrowed to, if any, and what it may do beyond search, describe
   * and call (approve others' calls, mint keys): see schemas/account.ts CredentialCapability.
   */
  grant: { toolkit: ToolkitRef | null; capabilities: readonly CredentialCapability[]; routes?: RouteLimits };
  /**
   * An API key's lookup handle (the hash its shard keeps, and the shard its token names; null:
   * the directory), so what it set up to run later (a workflow) can ask whether it still works.
   */
  apiKey?: { hash: string; shard: number | null };
};
