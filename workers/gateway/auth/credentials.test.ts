import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { accountDirectory } from "../../../durable-objects/account-directory/client";
import { userCredentials } from "../../../durable-objects/credential-shard/client";
import { shardOfUser, shardTag } from "../../../durable-objects/credential-shard/routing";
import type { Identity } from "../../../schemas";
import { tokenHash } from "../../shared/crypto";
import { openSession } from "../accounts/service";
import type { Env } from "../env";
import { startSession } from "./credentials";
import { authenticateBearer, authenticateSession } from "./principal";

// Keys and sessions through the gateway as a client uses them: every check is the very next request.
const HASH = "pbkdf2-sha256$100000$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=";
const CSRF = `csrf_${"c".repeat(32)}`;
let n = 0;

async function account(email: string): Promise<{ who: Identity; session: string }> {
  const directory = accountDirectory(env.ACCOUNT_DIRECTORY);
  const token = (++n).toString(16).padStart(64, "f");
  await directory.startSignUp({ email, passwordHash: HASH, orgName: `${email} org`, tokenHash: token, ttlMs: 86_400_000 });
  const created = await directory.completeSignUp(token);
  if (!created.ok) throw new Error(created.error.message);
  const who: Identity = { user: created.value.user, org: created.value.org, role: "owner" };
  return { who, session: (await openSession(env, who)).sessionToken };
}

const asSession = (token: string): Record<string, string> => ({ cookie: `__Host-executor_session=${token}; __Host-executor_csrf=${CSRF}`, "x-csrf-token": CSRF });
const asKey = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

function request(path: string, headers: Record<string, string>, method = "GET", body?: unknown): Promise<Response> {
  const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) } };
  return exports.default.fetch(new Request(`http://gw${path}`, body === undefined ? init : { ...init, body: JSON.stringify(body) }));
}

const me = async (headers: Record<string, string>): Promise<number> => (await request("/v1/me", headers)).status;

async function mintKey(headers: Record<string, string>, name: string): Promise<{ key: string; id: string }> {
  const res = await request("/v1/api-keys", headers, "POST", { name, capabilities: ["manage-keys"] });
  if (res.status !== 201) throw new Error(`mint answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { key: string; apiKey: { id: string } };
  return { key: body.key, id: body.apiKey.id };
}

describe("credential lookups through the gateway", () => {
  it("issues keys and sessions that name their user's shard, and reads them without the directory", async () => {
    const { who, session } = await account("shard-tag@example.com");
    const tag = shardTag(shardOfUser(who.user.id));
    expect(session).toMatch(new RegExp(`^ses_${tag}_[0-9a-z]{32}$`));
    const { key } = await mintKey(asSession(session), "tagged");
    expect(key).toMatch(new RegExp(`^exk_${tag}_[0-9a-z]{32}$`));
    // A directory that fails every call: authentication must not need it.
    const trap = { get: () => { throw new Error("the directory was called"); }, idFromName: () => ({}) } as unknown as Env["ACCOUNT_DIRECTORY"];
    const isolated = { ...env, ACCOUNT_DIRECTORY: trap };
    expect((await authenticateBearer(isolated, "v1", key))?.identity).toEqual(who);
    expect((await authenticateSession(isolated, session))?.identity).toEqual(who);
  });

  it("refuses a revoked key on the very next request, and every key it minted with it", async () => {
    const { session } = await account("revoked@example.com");
    const parent = await mintKey(asSession(session), "parent");
    const child = await mintKey(asKey(parent.key), "child");
    const grandchild = await mintKey(asKey(child.key), "grandchild");
    expect(await me(asKey(grandchild.key))).toBe(200);
    expect((await request(`/v1/api-keys/${parent.id}`, asSession(session), "DELETE")).status).toBe(200);
    for (const k of [parent, child, grandchild]) expect(await me(asKey(k.key))).toBe(401);
    expect(await me(asSession(session))).toBe(200);
  });

  it("refuses a signed-out session and an expired one on the very next request", async () => {
    const { who, session } = await account("signed-out@example.com");
    expect(await me(asSession(session))).toBe(200);
    expect((await request("/v1/logout", asSession(session), "POST")).status).toBe(204);
    expect(await me(asSession(session))).toBe(401);
    const brief = await startSession(env, who, 1);
    await new Promise((r) => setTimeout(r, 5));
    expect(await me(asSession(brief.token))).toBe(401);
  });

  it("moves a session to another org only through a membership the directory holds", async () => {
    const { who, session } = await account("switcher@example.com");
    const host = await account("host-org@example.com");
    const orgOf = async (): Promise<string> => ((await (await request("/v1/me", asSession(session))).json()) as { org: { id: string } }).org.id;
    const refused = await request("/v1/orgs/switch", asSession(session), "POST", { orgId: host.who.org.id });
    expect(refused.status).toBe(404);
    expect(await orgOf()).toBe(who.org.id);
    const directory = accountDirectory(env.ACCOUNT_DIRECTORY);
    const invite = "9".repeat(64);
    await directory.inviteMember({ orgId: host.who.org.id, byUserId: host.who.user.id, email: who.user.email, role: "member", tokenHash: invite, ttlMs: 86_400_000 });
    expect((await directory.acceptInvitation(invite, who.user.id)).ok).toBe(true);
    expect((await request("/v1/orgs/switch", asSession(session), "POST", { orgId: host.who.org.id })).status).toBe(200);
    expect(await orgOf()).toBe(host.who.org.id);
  });

  it("stores no key or session token in clear, only their SHA-256", async () => {
    const { who, session } = await account("no-clear@example.com");
    const { key } = await mintKey(asSession(session), "stored");
    const rows = await runInDurableObject(userCredentials(env.CREDENTIAL_SHARD, who.user.id) as unknown as DurableObjectStub, (_instance, state) =>
      JSON.stringify(["api_keys", "sessions", "principals"].map((t) => state.storage.sql.exec(`SELECT * FROM ${t}`).toArray())),
    );
    for (const secret of [key, session]) {
      expect(rows).not.toContain(secret.slice(-32));
      expect(rows).toContain(await tokenHash(secret));
    }
  });

  it("keeps working for keys and sessions issued before sharding, where they were issued", async () => {
    const { who } = await account("legacy@example.com");
    const directory = accountDirectory(env.ACCOUNT_DIRECTORY);
    // What a data folder from before holds: untagged tokens, hashed in the directory's own tables.
    const legacyKey = `exk_${"k".repeat(32)}`;
    const legacySession = `ses_${"s".repeat(32)}`;
    const stored = await directory.createApiKey({
      keyHash: await tokenHash(legacyKey), prefix: "exk_kkkk", name: "old", orgId: who.org.id, userId: who.user.id, toolkit: null,
      capabilities: ["manage-keys"], expiresAt: null, parentKeyId: null, allowedOrigins: [], rateLimitPerMinute: null,
    });
    if (!stored.ok) throw new Error(stored.error.message);
    await directory.createSession({ tokenHash: await tokenHash(legacySession), userId: who.user.id, orgId: who.org.id, ttlMs: 86_400_000 });
    expect(await me(asKey(legacyKey))).toBe(200);
    expect(await me(asSession(legacySession))).toBe(200);
    // A key minted by the old key lives beside it (untagged), so it dies with it.
    const child = await mintKey(asKey(legacyKey), "child of old");
    expect(child.key).toMatch(/^exk_[0-9a-z]{32}$/);
    const listed = (await (await request("/v1/api-keys", asSession(legacySession))).json()) as { apiKeys: Array<{ id: string }> };
    expect(listed.apiKeys.map((k) => k.id)).toEqual([child.id, stored.value.id]);
    expect((await request(`/v1/api-keys/${stored.value.id}`, asSession(legacySession), "DELETE")).status).toBe(200);
    expect(await me(asKey(legacyKey))).toBe(401);
    expect(await me(asKey(child.key))).toBe(401);
    expect((await request("/v1/logout", asSession(legacySession), "POST")).status).toBe(204);
    expect(await me(asSession(legacySession))).toBe(401);
  });

  it("looks nothing up for a token that names no shard", async () => {
    expect(await me(asKey(`exk_zz_${"a".repeat(32)}`))).toBe(401);
    expect(await me(asKey("exk_notarealkey0000000000000000000"))).toBe(401);
    expect(await me(asSession("ses_short"))).toBe(401);
  });
});
