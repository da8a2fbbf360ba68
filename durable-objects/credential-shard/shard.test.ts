import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { describe, expect, it } from "vitest";
import type { Identity } from "../../schemas";
import { accountDirectory } from "../account-directory/client";
import type { NewShardKey } from "./api-keys";
import { createApiKey } from "./api-keys";
import type { CredentialShardApi } from "./client";
import { credentialShard, userCredentials } from "./client";
import { CREDENTIAL_SHARDS, credentialHome, shardFromName, shardName, shardOfUser, shardTag } from "./routing";

const HASH = "pbkdf2-sha256$100000$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=";
const DAY = 86_400_000;
let hashes = 0;
/** A distinct token hash per call (the gateway hashes random tokens; here any 64 hex chars do). */
const hashOf = (): string => (++hashes).toString(16).padStart(64, "c");

const KEY: Omit<NewShardKey, "identity" | "keyHash"> = { prefix: "exk_ab_cdef", name: "ci", toolkit: null, capabilities: [], expiresAt: null, parentKeyId: null, allowedOrigins: [], rateLimitPerMinute: null };

/** A real account (the directory's answer is the identity a shard records), and its shard. */
async function account(email: string): Promise<{ who: Identity; shard: CredentialShardApi }> {
  const directory = accountDirectory(env.ACCOUNT_DIRECTORY);
  const token = hashOf();
  await directory.startSignUp({ email, passwordHash: HASH, orgName: `${email} org`, tokenHash: token, ttlMs: DAY });
  const created = await directory.completeSignUp(token);
  if (!created.ok) throw new Error(created.error.message);
  const who: Identity = { user: created.value.user, org: created.value.org, role: "owner" };
  return { who, shard: userCredentials(env.CREDENTIAL_SHARD, who.user.id) };
}

async function mint(shard: CredentialShardApi, who: Identity, extra: Partial<Omit<NewShardKey, "identity">> = {}) {
  const made = await shard.createApiKey({ ...KEY, keyHash: hashOf(), identity: who, ...extra });
  if (!made.ok) throw new Error(made.error.message);
  return made.value;
}

describe("routing", () => {
  it("names a shard in a token's tag and reads it back; untagged tokens go to the directory, others nowhere", () => {
    for (let shard = 0; shard < CREDENTIAL_SHARDS; shard++) {
      expect(credentialHome(`exk_${shardTag(shard)}_${"a".repeat(32)}`, "exk")).toEqual({ shard });
      expect(shardFromName(shardName(shard))).toBe(shard);
    }
    expect(credentialHome(`exk_${"a".repeat(32)}`, "exk")).toEqual({ legacy: true });
    expect(credentialHome(`ses_${"a".repeat(32)}`, "exk")).toBeNull();
    expect(credentialHome(`exk_zz_${"a".repeat(32)}`, "exk")).toBeNull(); // a tag past the last shard
    expect(credentialHome("exk_notarealkey", "exk")).toBeNull();
    expect(shardFromName("global")).toBeNull();
  });

  it("spreads users over the shards", () => {
    const used = new Set(Array.from({ length: 2_000 }, (_, i) => shardOfUser(`user_${i.toString(32).padStart(20, "0")}`)));
    expect(used.size).toBe(CREDENTIAL_SHARDS);
  });
});

describe("CredentialShard", () => {
  it("answers a key lookup alone, as the identity the directory gave when the key was made", async () => {
    const { who, shard } = await account("lookup@example.com");
    const key = await mint(shard, who, { keyHash: "d".repeat(64) });
    expect(JSON.stringify(key)).not.toContain("d".repeat(64));
    const found = await shard.resolveApiKey("d".repeat(64));
    expect(found.ok && found.value).toEqual({ key: expect.objectContaining({ id: key.id, userId: who.user.id, orgId: who.org.id }), identity: who });
    expect(await shard.listApiKeys(who.org.id, who.user.id)).toEqual({ ok: true, value: [expect.objectContaining({ id: key.id })] });
  });

  it("refuses the credentials of a user who belongs to another shard, and any instance that is not a shard", async () => {
    const { who } = await account("elsewhere@example.com");
    const other = credentialShard(env.CREDENTIAL_SHARD, (shardOfUser(who.user.id) + 1) % CREDENTIAL_SHARDS);
    const wrong = await other.createApiKey({ ...KEY, keyHash: hashOf(), identity: who });
    expect(wrong.ok ? null : wrong.error.code).toBe("wrong_scope");
    const stray = env.CREDENTIAL_SHARD.get(env.CREDENTIAL_SHARD.idFromName("global")) as unknown as CredentialShardApi;
    const session = await stray.createSession({ tokenHash: hashOf(), identity: who, ttlMs: DAY });
    expect(session.ok ? null : session.error.code).toBe("wrong_scope");
  });

  it("takes hashes only: a token where a hash belongs is refused", async () => {
    const { who, shard } = await account("plain@example.com");
    const res = await shard.createApiKey({ ...KEY, keyHash: `exk_ab_${"a".repeat(32)}`, identity: who });
    expect(res.ok ? null : res.error.errors?.[0]?.path).toBe("keyHash");
    expect((await shard.readSession(`ses_ab_${"a".repeat(32)}`)).ok).toBe(false);
  });

  it("stops a revoked key and every key below it on the next lookup, in one write", async () => {
    const { who, shard } = await account("revoke@example.com");
    const root = await mint(shard, who, { keyHash: "1".repeat(64) });
    const child = await mint(shard, who, { keyHash: "2".repeat(64), parentKeyId: root.id });
    await mint(shard, who, { keyHash: "3".repeat(64), parentKeyId: child.id });
    expect((await shard.resolveApiKey("3".repeat(64))).ok).toBe(true);
    expect((await shard.revokeApiKey(who.org.id, who.user.id, root.id)).ok).toBe(true);
    for (const hash of ["1", "2", "3"]) expect((await shard.resolveApiKey(hash.repeat(64))).ok).toBe(false);
    const orphan = await shard.createApiKey({ ...KEY, keyHash: hashOf(), identity: who, parentKeyId: child.id });
    expect(orphan.ok ? null : orphan.error.code).toBe("forbidden");
  });

  it("stops a key at its expiry, and a key minted by one when the parent expires", async () => {
    const { who, shard } = await account("expiry@example.com");
    const expiresAt = Date.now() + 1_000;
    const parent = await mint(shard, who, { keyHash: "4".repeat(64), expiresAt });
    await mint(shard, who, { keyHash: "5".repeat(64), parentKeyId: parent.id, expiresAt: Date.now() + DAY });
    expect((await shard.resolveApiKey("5".repeat(64))).ok).toBe(true);
    await new Promise((r) => setTimeout(r, expiresAt - Date.now() + 10));
    expect((await shard.resolveApiKey("4".repeat(64))).ok).toBe(false);
    expect((await shard.resolveApiKey("5".repeat(64))).ok).toBe(false);
  });

  it("writes nothing when a mint fails: neither the key nor the identity it would have recorded", async () => {
    const { who, shard } = await account("atomic@example.com");
    await mint(shard, who, { keyHash: "6".repeat(64) });
    // Same user in an org this shard has never recorded; the key's hash collides, so the insert fails.
    // (Run inside the object, so the failure is the write's own and not an RPC's.)
    const elsewhere: Identity = { ...who, org: { id: "org_neverrecorded000000000", name: "x", createdAt: 1 } };
    await runInDurableObject(shard as unknown as DurableObjectStub, (_instance, state) => {
      const db = drizzle(state.storage, { logger: false });
      expect(() => createApiKey(db, { ...KEY, keyHash: "6".repeat(64), identity: elsewhere }, Date.now())).toThrow(/UNIQUE/);
    });
    expect((await shard.identity(who.user.id, elsewhere.org.id)).ok).toBe(false);
    expect(await shard.listApiKeys(elsewhere.org.id, who.user.id)).toEqual({ ok: true, value: [] });
  });

  it("keeps sessions until signed out or expired, and moves one only within its own user", async () => {
    const { who, shard } = await account("sessions@example.com");
    const other = await account("someone-else@example.com");
    const opened = await shard.createSession({ tokenHash: "a".repeat(64), identity: who, ttlMs: DAY });
    expect(opened.ok && opened.value.identity).toEqual(who);
    expect((await shard.readSession("a".repeat(64))).ok).toBe(true);
    const hijack = await shard.switchOrg("a".repeat(64), other.who);
    expect(hijack.ok ? null : hijack.error.code).toBe("forbidden");
    expect(await shard.deleteSession("a".repeat(64))).toEqual({ ok: true, value: { deleted: true } });
    expect((await shard.readSession("a".repeat(64))).ok).toBe(false);
    await shard.createSession({ tokenHash: "b".repeat(64), identity: who, ttlMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    expect((await shard.readSession("b".repeat(64))).ok).toBe(false);
  });

  it("ends every credential of a principal at once, and a later membership does not bring them back", async () => {
    const { who, shard } = await account("dropped@example.com");
    await mint(shard, who, { keyHash: "7".repeat(64) });
    await shard.createSession({ tokenHash: "8".repeat(64), identity: who, ttlMs: DAY });
    expect(await shard.dropPrincipal(who.user.id, who.org.id)).toEqual({ ok: true, value: { sessions: 1, keys: 1 } });
    expect((await shard.resolveApiKey("7".repeat(64))).ok).toBe(false);
    expect((await shard.readSession("8".repeat(64))).ok).toBe(false);
    expect((await shard.identity(who.user.id, who.org.id)).ok).toBe(false);
    await shard.createSession({ tokenHash: hashOf(), identity: who, ttlMs: DAY });
    expect((await shard.resolveApiKey("7".repeat(64))).ok).toBe(false);
  });
});
