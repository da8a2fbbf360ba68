import { WorkerEntrypoint } from "cloudflare:workers";
import { admit } from "../../../core/admission";
import { accountDirectory } from "../../../durable-objects/account-directory/client";
import { credentialShard } from "../../../durable-objects/credential-shard/client";
import type { SubscriberTicket } from "../../../durable-objects/data-store/subscriptions";
import { SubscriberTicket as TicketSchema } from "../../../durable-objects/data-store/subscriptions";
import type { AuthContext } from "../../shared/auth-context";
import { addressFrom, policiesFor, resolveAddress } from "../../invoke/catalog-view";
import { admissibleTool } from "../../invoke/destination";
import type { Env } from "../env";
import { buildAuthContext } from "../auth/principal";

/** The credential behind a ticket as it stands now: null once it was revoked, expired or signed out. */
async function currentAuth(env: Env, ticket: SubscriberTicket): Promise<AuthContext | null> {
  if (ticket.expiresAt !== null && ticket.expiresAt <= Date.now()) return null;
  if (!ticket.credentialHash) return null;
  const directory = accountDirectory(env.ACCOUNT_DIRECTORY);
  // Where the credential lives (the shard its token named, or the directory for older ones).
  const home = ticket.shard === null ? directory : credentialShard(env.CREDENTIAL_SHARD, ticket.shard);
  if (ticket.kind === "api_key") {
    const found = await home.resolveApiKey(ticket.credentialHash);
    if (!found.ok || found.value.key.id !== ticket.credentialId) return null;
    const { key, identity } = found.value;
    return buildAuthContext(env, "api_key", key.id, identity, key.toolkit, key.capabilities);
  }
  if (ticket.kind === "session") {
    const session = await home.readSession(ticket.credentialHash);
    if (!session.ok || session.value.id !== ticket.credentialId) return null;
    return buildAuthContext(env, "session", session.value.id, session.value.identity, null, []);
  }
  return null;
}

/**
 * May this principal read through this address now? The very admission a call gets (toolkit ∩
 * grants, then policy), and only an outright `approve`: a read that would wait for approval, or is
 * blocked, cannot be watched.
 */
export async function mayRead(env: Env, auth: AuthContext, address: string): Promise<boolean> {
  const parsed = addressFrom(address);
  try {
    const [resolved, policies] = await Promise.all([resolveAddress(env, auth.principal, parsed), policiesFor(env, auth.principal, parsed.source)]);
    return admit(auth.principal, await admissibleTool(resolved), policies).outcome === "admit";
  } catch {
    return false;
  }
}

/** Asked by a store before it sends a subscriber anything, and every few seconds meanwhile. */
export async function subscriberAllowed(env: Env, input: unknown): Promise<boolean> {
  const ticket = TicketSchema.safeParse(input);
  if (!ticket.success) return false;
  const auth = await currentAuth(env, ticket.data);
  if (!auth || auth.identity.org.id !== ticket.data.orgId || auth.identity.user.id !== ticket.data.userId) return false;
  if ((auth.grant.toolkit ?? null) !== ticket.data.toolkit) return false;
  return mayRead(env, auth, ticket.data.address);
}

/** The loopback entrypoint stores reach through `ctx.exports.StoreAccess` (no public route). */
export class StoreAccess extends WorkerEntrypoint<Env> {
  allowed(ticket: unknown): Promise<boolean> {
    return subscriberAllowed(this.env, ticket);
  }
}
