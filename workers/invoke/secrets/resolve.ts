import { redactText } from "../../../core/redaction";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { Env } from "../../shared/env";
import type { Sealed } from "../../../durable-objects/scope-catalog/connections";
import { open } from "./vault";

/** Worker secrets reachable through `env://NAME` must carry this prefix, so no platform secret (such
 * as VAULT_KEY) can ever be named by a connection. */
export const ENV_SECRET_PREFIX = "EXECUTOR_SECRET_";

/**
 * Worker secrets belong to the deployment, not to a tenant, so each is assigned to one org by name:
 * `EXECUTOR_SECRET_<ORG ID IN CAPITALS>_<NAME>`. No other org can bind it.
 */
export function envSecretPrefix(orgId: string): string {
  return `${ENV_SECRET_PREFIX}${orgId.toUpperCase()}_`;
}

export type SecretResolution = { ok: true; value: string } | { ok: false; reason: string };

/**
 * Resolves a connection's SecretRef just in time, in trusted code only (DESIGN §2). The value never
 * leaves the invocation path: it is handed to the plugin and scrubbed from everything recorded.
 */
export async function resolveSecret(env: Env, scope: string, ref: string, orgId: string, prefetched?: Sealed | null): Promise<SecretResolution> {
  if (ref.startsWith("vault://")) {
    // Read with the connection when the caller had it (one round trip fewer), else fetched now.
    const id = ref.slice("vault://".length);
    const sealed = prefetched && prefetched.id === id ? { ok: true as const, value: prefetched } : await scopeCatalog(env.SCOPE_CATALOG, scope).getSealedSecret(id);
    if (!sealed.ok) return { ok: false, reason: "the connection's vault secret is missing" };
    try {
      return { ok: true, value: await open(env.VAULT_KEY, scope, sealed.value) };
    } catch {
      return { ok: false, reason: "the connection's vault secret could not be opened" };
    }
  }
  if (ref.startsWith("env://")) {
    const name = ref.slice("env://".length);
    const value = (env as unknown as Record<string, unknown>)[name];
    if (!name.startsWith(envSecretPrefix(orgId)) || typeof value !== "string") {
      return { ok: false, reason: `no Worker secret ${name} for this organization (env:// secrets are named ${envSecretPrefix(orgId)}*)` };
    }
    return { ok: true, value };
  }
  return { ok: false, reason: "unsupported secret reference" };
}

/** Removes each secret, in every wire form (core/redaction), from a text. */
export function scrub(text: string, secrets: readonly string[]): string {
  return redactText(text, secrets);
}
