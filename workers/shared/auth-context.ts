import type { CredentialCapability, Identity, Principal, ToolkitRef } from "../../schemas";

/** Who is calling, resolved once per request and handed to routes; nothing downstream re-reads credentials. */
export type AuthContext = {
  principal: Principal;
  identity: Identity;
  /**
   * The toolkit the credential is narrowed to, if any, and what it may do beyond search, describe
   * and call (approve others' calls, mint keys): see schemas/account.ts CredentialCapability.
   */
  grant: { toolkit: ToolkitRef | null; capabilities: readonly CredentialCapability[] };
};
