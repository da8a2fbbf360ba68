import { accountDirectory } from "../../../durable-objects/account-directory/client";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { ApiKey, ApiKeyInput } from "../../../schemas";
import type { AuthContext } from "../auth/principal";
import { API_KEY_PREFIX } from "../auth/principal";
import { randomToken, tokenHash } from "../auth/crypto";
import type { Env } from "../env";
import { HttpError } from "../problem";
import { unwrap } from "../result";

/**
 * Creates an API key bound to the caller's org and user and optionally to a toolkit. Authority only
 * narrows: a caller whose own credential is bound to a toolkit can mint keys for that toolkit only.
 * The key is returned once; only its hash is stored.
 */
export async function createApiKey(env: Env, auth: AuthContext, input: ApiKeyInput): Promise<{ key: string; apiKey: ApiKey }> {
  const held = auth.grant.toolkit;
  if (held !== null && input.toolkit !== held) {
    throw new HttpError(403, "forbidden", `this credential is limited to toolkit '${held}' and cannot create a key beyond it`);
  }
  if (input.toolkit !== null) {
    const [scope = "", slug = ""] = input.toolkit.split("/");
    const inChain = auth.principal.chain.some((s) => s.id === scope);
    const found = inChain ? await scopeCatalog(env.SCOPE_CATALOG, scope).getToolkit(slug) : null;
    if (!found?.ok) {
      throw new HttpError(422, "validation-failed", `field 'toolkit': no toolkit '${input.toolkit}' in your scopes`, {
        errors: [{ path: "toolkit", message: "no such toolkit in your scopes" }],
      });
    }
  }
  const key = randomToken(API_KEY_PREFIX);
  const apiKey = unwrap(
    await accountDirectory(env.ACCOUNT_DIRECTORY).createApiKey({
      keyHash: await tokenHash(key),
      prefix: key.slice(0, 8),
      name: input.name,
      orgId: auth.identity.org.id,
      userId: auth.identity.user.id,
      toolkit: input.toolkit,
    }),
  );
  return { key, apiKey };
}

export async function listApiKeys(env: Env, auth: AuthContext): Promise<ApiKey[]> {
  return unwrap(await accountDirectory(env.ACCOUNT_DIRECTORY).listApiKeys(auth.identity.org.id, auth.identity.user.id));
}

export async function revokeApiKey(env: Env, auth: AuthContext, keyId: string): Promise<ApiKey> {
  const result = await accountDirectory(env.ACCOUNT_DIRECTORY).revokeApiKey(auth.identity.org.id, auth.identity.user.id, keyId);
  // A malformed id and another org's id answer alike: not found.
  if (!result.ok && result.error.code === "invalid_input") throw new HttpError(404, "not-found", `no active API key '${keyId}'`);
  return unwrap(result);
}
