import type { CredentialCapability } from "../../schemas";
import { HttpError } from "./problem";
import type { AuthContext } from "./auth-context";

const HOW: Record<CredentialCapability, string> = {
  approve: "approving needs a person's sign-in, or an API key an owner granted the approve capability",
  administer: "this needs a person's sign-in, or an API key granted the administer capability",
  "manage-keys": "managing API keys needs a person's sign-in, or an API key granted the manage-keys capability",
  "author-tools": "authoring needs a person's sign-in, or an API key granted the author-tools capability",
  "trigger-register": "creating or running workflows (and their triggers) needs a person's sign-in, or an API key granted the trigger-register capability",
};

/**
 * DESIGN invariant 9: what an agent's credential may do is what it was granted, no more. Search,
 * describe and call need no capability; deciding approvals, changing the catalog or its policies,
 * and minting keys each need theirs, and a toolkit-bound credential administers nothing.
 */
export function requireCapability(auth: AuthContext, capability: CredentialCapability, action: string): void {
  if (auth.grant.toolkit !== null && capability === "administer") {
    throw new HttpError(403, "forbidden", `a toolkit-bound credential cannot ${action}`);
  }
  if (!auth.grant.capabilities.includes(capability)) {
    throw new HttpError(403, "forbidden", `this credential cannot ${action}: ${HOW[capability]}`);
  }
}
