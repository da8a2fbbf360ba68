import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AccountDirectoryApi } from "./client";

// Storage is isolated per test file; every test uses its own emails, so one instance serves all.
const dir = (): AccountDirectoryApi =>
  env.ACCOUNT_DIRECTORY.get(env.ACCOUNT_DIRECTORY.idFromName("test")) as unknown as AccountDirectoryApi;

const HASH = "pbkdf2-sha256$100000$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=";
const hex = (c: string): string => c.repeat(64);
const DAY = 86_400_000;
let tokens = 0;
/** A distinct token hash per call (the gateway hashes random tokens; here any 64 hex chars do). */
const tokenHashOf = (): string => (++tokens).toString(16).padStart(64, "e");

/** Sign-up as the gateway does it: start (a token is "mailed"), then complete with that token. */
async function newUser(email: string) {
  const token = tokenHashOf();
  const started = await dir().startSignUp({ email, passwordHash: HASH, orgName: `${email} org`, tokenHash: token, ttlMs: DAY });
  if (!started.ok || started.value.existing) throw new Error(`sign-up did not start for ${email}`);
  const created = await dir().completeSignUp(token);
  if (!created.ok) throw new Error(created.error.message);
  return created.value;
}

async function invite(orgId: string, byUserId: string, email: string, role: "member" | "owner" = "member") {
  const token = tokenHashOf();
  const made = await dir().inviteMember({ orgId, byUserId, email, role, tokenHash: token, ttlMs: 7 * DAY });
  return { made, token };
}

const KEY = { prefix: "exk_abcd", name: "ci", toolkit: null, capabilities: [], expiresAt: null, parentKeyId: null, allowedOrigins: [], rateLimitPerMinute: null };

describe("AccountDirectory", () => {
  it("creates nothing until the mailed token comes back, then a user who owns a new org", async () => {
    const token = tokenHashOf();
    const started = await dir().startSignUp({ email: "ada@example.com", passwordHash: HASH, orgName: "Ada", tokenHash: token, ttlMs: DAY });
    expect(started).toEqual({ ok: true, value: { existing: false } });
    expect((await dir().loginRecord("ada@example.com")).ok).toBe(false);
    const created = await dir().completeSignUp(token);
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.user.id).toMatch(/^user_/);
    expect(created.value.org.id).toMatch(/^org_/);
    const who = await dir().identity(created.value.user.id, created.value.org.id);
    expect(who.ok && who.value.role).toBe("owner");
    // The token works once.
    expect((await dir().completeSignUp(token)).ok).toBe(false);
  });

  it("answers a sign-up for an existing address without storing anything, so the gateway mails the owner instead", async () => {
    await newUser("exists@example.com");
    const token = tokenHashOf();
    const again = await dir().startSignUp({ email: "exists@example.com", passwordHash: HASH, orgName: "x", tokenHash: token, ttlMs: DAY });
    expect(again).toEqual({ ok: true, value: { existing: true } });
    expect((await dir().completeSignUp(token)).ok).toBe(false);
  });

  it("refuses an expired sign-up token", async () => {
    const token = tokenHashOf();
    await dir().startSignUp({ email: "late@example.com", passwordHash: HASH, orgName: "x", tokenHash: token, ttlMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    const res = await dir().completeSignUp(token);
    expect(res.ok ? null : res.error.code).toBe("not_found");
  });

  it("never returns a password hash except through loginRecord", async () => {
    const { user, org } = await newUser("hash@example.com");
    const who = await dir().identity(user.id, org.id);
    expect(JSON.stringify(who)).not.toContain("pbkdf2");
    const record = await dir().loginRecord("hash@example.com");
    expect(record.ok && record.value.passwordHash).toBe(HASH);
  });

  it("refuses a plaintext password where a hash belongs", async () => {
    const res = await dir().startSignUp({ email: "plain@example.com", passwordHash: "hunter2hunter2", orgName: "x", tokenHash: tokenHashOf(), ttlMs: DAY });
    expect(res.ok ? null : res.error.errors?.[0]?.path).toBe("passwordHash");
  });

  it("does not join someone to an org because they signed up with the invited address (invitation takeover)", async () => {
    const owner = await newUser("owner@example.com");
    const { made } = await invite(owner.org.id, owner.user.id, "new@example.com", "owner");
    expect(made.ok && made.value.status).toBe("invited");
    // An attacker who controls the sign-up of that address (but never saw the invitation link).
    const squatter = await newUser("new@example.com");
    expect((await dir().identity(squatter.user.id, owner.org.id)).ok).toBe(false);
    // Nor at log-in: invitations are accepted only by their link.
    const loggedIn = await dir().completeLogin(squatter.user.id);
    expect(loggedIn.ok && loggedIn.value.org.id).toBe(squatter.org.id);
    expect((await dir().identity(squatter.user.id, owner.org.id)).ok).toBe(false);
  });

  it("joins the invited address through its single-use link, and only that address", async () => {
    const owner = await newUser("boss@example.com");
    const later = await newUser("later@example.com");
    const other = await newUser("other@example.com");
    const { token } = await invite(owner.org.id, owner.user.id, "later@example.com");
    const wrong = await dir().acceptInvitation(token, other.user.id);
    expect(wrong.ok ? null : wrong.error.code).toBe("forbidden");
    const joined = await dir().acceptInvitation(token, later.user.id);
    expect(joined.ok && joined.value.role).toBe("member");
    expect((await dir().acceptInvitation(token, later.user.id)).ok).toBe(false);
    const members = await dir().listMembers(owner.org.id);
    expect(members.ok && members.value.map((m) => `${m.email}:${m.status}`)).toEqual(["boss@example.com:active", "later@example.com:active"]);
  });

  it("signs a new person up from the invitation link: verified by the token, joined in one step", async () => {
    const owner = await newUser("host@example.com");
    const { token } = await invite(owner.org.id, owner.user.id, "guest@example.com");
    const offer = await dir().invitation(token);
    expect(offer.ok && offer.value).toMatchObject({ email: "guest@example.com", orgName: "host@example.com org", invitedBy: "host@example.com" });
    const created = await dir().signUpFromInvitation({ tokenHash: token, passwordHash: HASH, orgName: "Guest's own" });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.joined).toMatchObject({ org: { id: owner.org.id }, role: "member" });
    expect((await dir().identity(created.value.user.id, created.value.org.id)).ok).toBe(true);
    expect((await dir().invitation(token)).ok).toBe(false);
  });

  it("replaces the link when an owner invites again, and only owners may invite", async () => {
    const owner = await newUser("chief@example.com");
    const member = await newUser("crew@example.com");
    const first = await invite(owner.org.id, owner.user.id, "crew@example.com");
    const second = await invite(owner.org.id, owner.user.id, "crew@example.com");
    expect((await dir().acceptInvitation(first.token, member.user.id)).ok).toBe(false);
    expect((await dir().acceptInvitation(second.token, member.user.id)).ok).toBe(true);
    const byMember = await invite(owner.org.id, member.user.id, "x@example.com", "owner");
    expect(byMember.made.ok ? null : byMember.made.error.code).toBe("forbidden");
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
    const key = await dir().createApiKey({ ...KEY, keyHash: hex("d"), orgId: a.org.id, userId: a.user.id });
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

  it("stops a key at its expiry, and a key minted by a key when its parent is revoked or expires", async () => {
    const a = await newUser("chain@example.com");
    const parent = await dir().createApiKey({ ...KEY, keyHash: hex("1"), orgId: a.org.id, userId: a.user.id, expiresAt: Date.now() + DAY });
    if (!parent.ok) throw new Error(parent.error.message);
    const child = await dir().createApiKey({ ...KEY, keyHash: hex("2"), orgId: a.org.id, userId: a.user.id, expiresAt: Date.now() + DAY, parentKeyId: parent.value.id });
    expect(child.ok).toBe(true);
    expect((await dir().resolveApiKey(hex("2"))).ok).toBe(true);
    await dir().revokeApiKey(a.org.id, a.user.id, parent.value.id);
    expect((await dir().resolveApiKey(hex("2"))).ok).toBe(false);
    const orphan = await dir().createApiKey({ ...KEY, keyHash: hex("3"), orgId: a.org.id, userId: a.user.id, parentKeyId: parent.value.id });
    expect(orphan.ok ? null : orphan.error.code).toBe("forbidden");
    await dir().createApiKey({ ...KEY, keyHash: hex("4"), orgId: a.org.id, userId: a.user.id, expiresAt: Date.now() + 1 });
    await new Promise((r) => setTimeout(r, 5));
    expect((await dir().resolveApiKey(hex("4"))).ok).toBe(false);
  });
});
