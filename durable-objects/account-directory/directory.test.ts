import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AccountDirectoryApi } from "./client";

// Storage is isolated per test file; every test uses its own emails, so one instance serves all.
const dir = (): AccountDirectoryApi =>
  env.ACCOUNT_DIRECTORY.get(env.ACCOUNT_DIRECTORY.idFromName("test")) as unknown as AccountDirectoryApi;

const HASH = "pbkdf2-sha256$100000$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=";
const hex = (c: string): string => c.repeat(64);

async function newUser(email: string) {
  const created = await dir().signUp({ email, passwordHash: HASH, orgName: `${email} org` });
  if (!created.ok) throw new Error(created.error.message);
  return created.value;
}

describe("AccountDirectory", () => {
  it("creates a user who owns a new org, and refuses the same email twice", async () => {
    const { user, org } = await newUser("ada@example.com");
    expect(user.id).toMatch(/^user_/);
    expect(org.id).toMatch(/^org_/);
    const who = await dir().identity(user.id, org.id);
    expect(who.ok && who.value.role).toBe("owner");
    const again = await dir().signUp({ email: "ada@example.com", passwordHash: HASH, orgName: "x" });
    expect(again.ok ? null : again.error.code).toBe("conflict");
  });

  it("never returns a password hash except through loginRecord", async () => {
    const { user, org } = await newUser("hash@example.com");
    const who = await dir().identity(user.id, org.id);
    expect(JSON.stringify(who)).not.toContain("pbkdf2");
    const record = await dir().loginRecord("hash@example.com");
    expect(record.ok && record.value.passwordHash).toBe(HASH);
  });

  it("refuses a plaintext password where a hash belongs", async () => {
    const res = await dir().signUp({ email: "plain@example.com", passwordHash: "hunter2hunter2", orgName: "x" });
    expect(res.ok ? null : res.error.errors?.[0]?.path).toBe("passwordHash");
    expect((await dir().loginRecord("plain@example.com")).ok).toBe(false);
  });

  it("joins an invited person to the org when they sign up with that email", async () => {
    const owner = await newUser("owner@example.com");
    const invite = await dir().inviteMember({ orgId: owner.org.id, byUserId: owner.user.id, email: "new@example.com", role: "member" });
    expect(invite.ok && invite.value.status).toBe("invited");
    const joined = await newUser("new@example.com");
    const membership = await dir().identity(joined.user.id, owner.org.id);
    expect(membership.ok && membership.value.role).toBe("member");
    const members = await dir().listMembers(owner.org.id);
    expect(members.ok && members.value.map((m) => `${m.email}:${m.status}`)).toEqual([
      "new@example.com:active",
      "owner@example.com:active",
    ]);
  });

  it("joins an existing user to the org at their next log-in, and only owners may invite", async () => {
    const owner = await newUser("boss@example.com");
    const later = await newUser("later@example.com");
    await dir().inviteMember({ orgId: owner.org.id, byUserId: owner.user.id, email: "later@example.com", role: "member" });
    expect((await dir().identity(later.user.id, owner.org.id)).ok).toBe(false);
    await dir().completeLogin(later.user.id);
    expect((await dir().identity(later.user.id, owner.org.id)).ok).toBe(true);
    const byMember = await dir().inviteMember({ orgId: owner.org.id, byUserId: later.user.id, email: "x@example.com", role: "owner" });
    expect(byMember.ok ? null : byMember.error.code).toBe("forbidden");
  });

  it("keeps sessions server-side: readable until deleted or expired", async () => {
    const { user, org } = await newUser("sess@example.com");
    const created = await dir().createSession({ tokenHash: hex("a"), userId: user.id, orgId: org.id, ttlMs: 60_000 });
    expect(created.ok).toBe(true);
    expect((await dir().readSession(hex("a"))).ok).toBe(true);
    await dir().deleteSession(hex("a"));
    expect((await dir().readSession(hex("a"))).ok).toBe(false);
    await dir().createSession({ tokenHash: hex("b"), userId: user.id, orgId: org.id, ttlMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    expect((await dir().readSession(hex("b"))).ok).toBe(false);
  });

  it("refuses a session in an org the user does not belong to", async () => {
    const a = await newUser("a-sess@example.com");
    const b = await newUser("b-sess@example.com");
    const res = await dir().createSession({ tokenHash: hex("c"), userId: a.user.id, orgId: b.org.id, ttlMs: 60_000 });
    expect(res.ok ? null : res.error.code).toBe("not_found");
  });

  it("resolves API keys by hash, lists them per user and org, and revokes only the owner's", async () => {
    const a = await newUser("keys-a@example.com");
    const b = await newUser("keys-b@example.com");
    const key = await dir().createApiKey({ keyHash: hex("d"), prefix: "exk_abcd", name: "ci", orgId: a.org.id, userId: a.user.id, toolkit: null });
    expect(key.ok).toBe(true);
    if (!key.ok) return;
    expect(JSON.stringify(key.value)).not.toContain(hex("d"));
    const resolved = await dir().resolveApiKey(hex("d"));
    expect(resolved.ok && resolved.value.identity.org.id).toBe(a.org.id);
    expect(await dir().listApiKeys(b.org.id, b.user.id)).toEqual({ ok: true, value: [] });
    const cross = await dir().revokeApiKey(b.org.id, b.user.id, key.value.id);
    expect(cross.ok ? null : cross.error.code).toBe("not_found");
    expect((await dir().resolveApiKey(hex("d"))).ok).toBe(true);
    expect((await dir().revokeApiKey(a.org.id, a.user.id, key.value.id)).ok).toBe(true);
    expect((await dir().resolveApiKey(hex("d"))).ok).toBe(false);
  });
});
