import type { AuthTemplate, GrantTarget } from "../../schemas/tool";
import { hashValue } from "../evidence";

/**
 * DESIGN invariant 6: "where a credential is sent (server, token URL, auth template) is part of what a
 * grant covers". A grant records a GrantTarget: the tool's destination (its plugin says where the
 * request goes) and this fingerprint of the source's auth templates (placement, scheme, token URL,
 * scopes). Every template counts, not only the one used today: any change means review.
 */
export async function authFingerprint(auth: readonly AuthTemplate[]): Promise<string> {
  return hashValue({ auth });
}

/** The target a tool has now, from its destination and its source's auth templates. */
export async function grantTarget(destination: string, auth: readonly AuthTemplate[]): Promise<GrantTarget> {
  return { destination, auth: await authFingerprint(auth) };
}

/** True when a grant made for `granted` covers a call that goes to `current`: nothing may differ. */
export function covers(granted: GrantTarget, current: GrantTarget): boolean {
  return granted.destination === current.destination && granted.auth === current.auth;
}
