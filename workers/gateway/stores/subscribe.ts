import type { Context } from "hono";
import { z } from "zod";
import { dataStore } from "../../../durable-objects/data-store/client";
import { LIMITS, SqlParams, StoreName } from "../../../durable-objects/data-store/limits";
import type { SubscriberTicket, SubscriptionView } from "../../../durable-objects/data-store/subscriptions";
import { SUBSCRIPTION_HEADER } from "../../../durable-objects/data-store/subscriptions";
import { storeRegistry } from "../../../durable-objects/store-registry/client";
import type { JsonObject } from "../../../schemas";
import { callTool } from "../../invoke/call";
import { STORE_SLUG } from "../../invoke/builtin/store-manifest";
import { tokenHash } from "../../shared/crypto";
import { HttpError } from "../../shared/problem";
import { readSessionCookie } from "../auth/cookies";
import { SESSION_PREFIX } from "../auth/credentials";
import type { CredentialHome } from "../../../durable-objects/credential-shard/routing";
import { credentialHome } from "../../../durable-objects/credential-shard/routing";
import type { AppEnv } from "../env";
import { callOutcomeResponse } from "../respond";

const shardOf = (home: CredentialHome): number | null => (home && "shard" in home ? home.shard : null);

const Limit = z.coerce.number().int().min(1).max(LIMITS.readRows).default(100);

/** The view from the query string: `?sql=…&params=[…]` for a SQLite store, `?prefix=…` for a key-value one. */
function viewFrom(c: Context<AppEnv>, kind: "kv" | "sqlite"): SubscriptionView {
  const limit = Limit.safeParse(c.req.query("limit"));
  if (!limit.success) throw new HttpError(422, "validation-failed", "query 'limit': must be an integer from 1 to 1000", { errors: [{ path: "limit", message: "1 to 1000" }] });
  if (kind === "kv") return { kind: "prefix", prefix: (c.req.query("prefix") ?? "").slice(0, LIMITS.keyChars), limit: limit.data };
  const sql = c.req.query("sql");
  if (!sql) throw new HttpError(422, "validation-failed", "query 'sql': a SQLite store is watched through a query", { errors: [{ path: "sql", message: "required" }] });
  let params: unknown = [];
  try {
    params = JSON.parse(c.req.query("params") ?? "[]");
  } catch {
    // reported below
  }
  const parsed = SqlParams.safeParse(params);
  if (!parsed.success) throw new HttpError(422, "validation-failed", "query 'params': must be a JSON array of strings, numbers, booleans or nulls", { errors: [{ path: "params", message: "JSON array of scalars" }] });
  return { kind: "query", sql: sql.slice(0, 10_000), params: parsed.data, limit: limit.data };
}

/**
 * The credential, by the hash the account directory keeps, so the store can ask later whether it
 * still works. A cookie-borne subscription must come from this origin (a WebSocket carries cookies
 * cross-site, and CORS does not apply to it). OAuth access tokens cannot be re-checked without the
 * token itself, so they do not subscribe; API keys and sessions do.
 */
async function credentialOf(c: Context<AppEnv>): Promise<{ hash: string; shard: number | null }> {
  const auth = c.get("auth");
  const header = c.req.header("authorization");
  if (header !== undefined) {
    if (auth.principal.kind !== "api_key" || !auth.apiKey) throw new HttpError(403, "forbidden", "subscribe with an API key or a signed-in session; OAuth access tokens cannot hold a subscription");
    return auth.apiKey;
  }
  const origin = c.req.header("origin");
  const allowed = [new URL(c.req.url).origin, new URL(c.env.PUBLIC_URL).origin];
  if (!origin || !allowed.includes(origin)) throw new HttpError(403, "forbidden", "a subscription with a session cookie must come from this site's own pages");
  const cookie = readSessionCookie(c);
  if (!cookie) throw new HttpError(401, "unauthorized", "authentication required");
  return { hash: await tokenHash(cookie), shard: shardOf(credentialHome(cookie, SESSION_PREFIX)) };
}

/**
 * `GET /v1/stores/{scope}/{name}/subscribe` with a WebSocket upgrade: the first snapshot is read
 * through the store's read tool (admitted, a Run), then the store sends a new snapshot after every
 * write to each subscriber who may still read, and closes the others (4403).
 */
export async function subscribe(c: Context<AppEnv>): Promise<Response> {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new HttpError(426, "invalid-request", "this endpoint takes a WebSocket upgrade", {}, { upgrade: "websocket" });
  const auth = c.get("auth");
  const { scope, name } = c.req.param() as { scope: string; name: string };
  const notFound = new HttpError(404, "not-found", `no store ${scope}/${name} in your scopes`);
  if (!StoreName.safeParse(name).success || !auth.principal.chain.some((s) => s.id === scope)) throw notFound;
  const kind = await storeRegistry(c.env.STORE_REGISTRY, scope).kindOf(name);
  if (!kind) throw notFound;
  const credential = await credentialOf(c);
  const view = viewFrom(c, kind);
  const address = `${STORE_SLUG}.${scope}.${name}.${kind === "kv" ? "list" : "query"}`;
  const args: JsonObject = view.kind === "query" ? { sql: view.sql, params: view.params, limit: view.limit } : { prefix: view.prefix, limit: view.limit };
  const first = await callTool(c.env, auth, { address, args, surface: auth.principal.kind === "session" ? "web" : "http" });
  if (first.kind !== "succeeded") {
    if (first.kind === "pending") throw new HttpError(403, "forbidden", "reads of this store wait for approval, so it cannot be watched", { runId: first.run.id });
    return callOutcomeResponse(c, first);
  }
  const ticket: SubscriberTicket = {
    kind: auth.principal.kind === "session" ? "session" : "api_key",
    credentialHash: credential.hash,
    shard: credential.shard,
    credentialId: auth.principal.credentialId,
    userId: auth.principal.userId,
    orgId: auth.principal.orgId,
    toolkit: auth.grant.toolkit,
    address,
    expiresAt: null,
  };
  const forwarded = new Request("https://store.internal/subscribe", {
    headers: { upgrade: "websocket", [SUBSCRIPTION_HEADER]: JSON.stringify({ ticket, view }) },
  });
  return dataStore(c.env.DATA_STORE, scope, name).fetch(forwarded);
}
