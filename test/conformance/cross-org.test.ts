import { beforeAll, describe, expect, it } from "vitest";
import type { Account } from "./helpers";
import {
  PASSWORD,
  bearer,
  createApiKey,
  logIn,
  mcpInitialize,
  obtainTokens,
  sendJson,
  sessionHeaders,
  signUp,
  usePlatform,
} from "./helpers";
import { latestMail } from "../e2e/mailbox";

// Low failed-log-in limits for the abuse-limit test; the other buckets stay out of the way.
const platform = usePlatform({
  EXECUTOR_AUTH_RATE_LIMITS: "signup-ip=1000/3600,signup-email=1000/3600,login-ip=1000/900,login-pair=3/900,login-email=6/3600",
});

type Kind = "session" | "API key" | "OAuth token";
type Problem = { type: string; status: number; detail: string };

let a: Account;
let b: Account;
let bKey: { key: string; id: string };
const B_INVITEE = "b-invitee@b.example";
/** Every identifier of org B that must never appear in an answer to org A. */
let bMarkers: string[];
let aKeyId: string;
const credentials = {} as Record<Kind, () => Record<string, string>>;

beforeAll(async () => {
  const base = platform().baseUrl;
  a = await signUp(base, "alice@a.example");
  b = await signUp(base, "bob@b.example");
  bKey = await createApiKey(base, b, "bob's key");
  const invite = await sendJson(`${base}/v1/org/members`, bearer(bKey.key), { email: B_INVITEE });
  expect(invite.status).toBe(201);
  bMarkers = [b.orgId, b.userId, b.email, bKey.id, bKey.key.slice(0, 8), B_INVITEE];

  const aKey = await createApiKey(base, a, "alice's key");
  aKeyId = aKey.id;
  const { tokens } = await obtainTokens(base, a, `${base}/v1`);
  credentials.session = () => sessionHeaders(a);
  credentials["API key"] = () => bearer(aKey.key);
  credentials["OAuth token"] = () => bearer(tokens.access_token);
});

async function readAsA(path: string, kind: Kind): Promise<{ status: number; text: string }> {
  const res = await fetch(`${platform().baseUrl}${path}`, { headers: credentials[kind]() });
  return { status: res.status, text: await res.text() };
}

function expectNoTraceOfB(text: string): void {
  for (const marker of bMarkers) expect(text).not.toContain(marker);
}

async function bMembers(): Promise<string[]> {
  const res = await fetch(`${platform().baseUrl}/v1/org/members`, { headers: bearer(bKey.key) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { members: Array<{ email: string }> }).members.map((m) => m.email);
}

// Tenant isolation: OWASP ASVS V4.2.1 (IDOR) and MCP security best practices (a credential acts only
// for the principal and org it was issued to), over every accounts /v1 route, for every kind of credential.
describe.each(["session", "API key", "OAuth token"] as const)("with org A's %s, nothing of org B", (kind) => {
  it("GET /v1/me shows only org A's user and org", async () => {
    const { status, text } = await readAsA("/v1/me", kind);
    expect(status).toBe(200);
    type Me = { principal: { userId: string; orgId: string }; org: { id: string }; scopeChain: Array<{ id: string }> };
    const me = JSON.parse(text) as Me;
    expect(me.principal).toMatchObject({ userId: a.userId, orgId: a.orgId });
    expect(me.org.id).toBe(a.orgId);
    expect(me.scopeChain.map((s) => s.id)).toEqual([a.orgId, a.userId]);
    expectNoTraceOfB(text);
  });

  it("GET /v1/api-keys lists only org A's keys", async () => {
    const { status, text } = await readAsA("/v1/api-keys", kind);
    expectNoTraceOfB(text);
    // DESIGN invariant 9: key management needs the manage-keys capability, which no OAuth grant holds.
    if (kind === "OAuth token") return expect(status).toBe(403);
    expect(status).toBe(200);
    const { apiKeys } = JSON.parse(text) as { apiKeys: Array<{ orgId: string; userId: string }> };
    expect(apiKeys.length).toBeGreaterThan(0);
    for (const key of apiKeys) expect(key).toMatchObject({ orgId: a.orgId, userId: a.userId });
    expectNoTraceOfB(text);
  });

  it("GET /v1/org/members lists only org A's members and invitations", async () => {
    const { status, text } = await readAsA("/v1/org/members", kind);
    expect(status).toBe(200);
    const body = JSON.parse(text) as { org: { id: string }; members: Array<{ email: string }> };
    expect(body.org.id).toBe(a.orgId);
    expect(body.members.map((m) => m.email)).toContain(a.email);
    expectNoTraceOfB(text);
  });

  it("DELETE /v1/api-keys/:id cannot revoke org B's key: 404, and B's key still works", async () => {
    const base = platform().baseUrl;
    const res = await fetch(`${base}/v1/api-keys/${bKey.id}`, { method: "DELETE", headers: credentials[kind]() });
    if (kind === "OAuth token") {
      expect(res.status).toBe(403);
      expect((await fetch(`${base}/v1/me`, { headers: bearer(bKey.key) })).status).toBe(200);
      return;
    }
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await res.json()) as Problem).type).toBe("/problems/not-found");
    const asB = await fetch(`${base}/v1/me`, { headers: bearer(bKey.key) });
    expect(asB.status).toBe(200);
    expect(((await asB.json()) as { org: { id: string } }).org.id).toBe(b.orgId);
  });

  it("POST /v1/org/members cannot name org B, and an invitation lands in org A only", async () => {
    const base = platform().baseUrl;
    const before = await bMembers();
    const aimed = await sendJson(`${base}/v1/org/members`, credentials[kind](), { email: "intruder@a.example", orgId: b.orgId });
    expect(aimed.status).toBe(422); // the body is strict: there is no field to choose an org
    const invitee = `invitee-${kind.replace(/\W/g, "")}@a.example`.toLowerCase();
    const invited = await sendJson(`${base}/v1/org/members`, credentials[kind](), { email: invitee });
    expect(invited.status).toBe(201);
    const { text } = await readAsA("/v1/org/members", kind);
    expect(text).toContain(invitee);
    expect(await bMembers()).toEqual(before);
  });

  it("POST /v1/api-keys cannot bind a key to org B's scope, and a new key belongs to org A", async () => {
    const base = platform().baseUrl;
    const intoB = await sendJson(`${base}/v1/api-keys`, credentials[kind](), { name: "into b", toolkit: `${b.orgId}/everything` });
    const created = await sendJson(`${base}/v1/api-keys`, credentials[kind](), { name: "mine", toolkit: null });
    if (kind === "OAuth token") {
      // DESIGN invariant 9: an OAuth grant mints no keys (a key would outlive the grant).
      expect([intoB.status, created.status]).toEqual([403, 403]);
      return;
    }
    expect(intoB.status).toBe(422);
    expect(created.status).toBe(201);
    const { key, apiKey } = (await created.json()) as { key: string; apiKey: { orgId: string; userId: string } };
    expect(apiKey).toMatchObject({ orgId: a.orgId, userId: a.userId });
    const me = (await (await fetch(`${base}/v1/me`, { headers: bearer(key) })).json()) as { org: { id: string } };
    expect(me.org.id).toBe(a.orgId);
  });
});

describe("accounts: sign-up, log-in and log-out never reach another account", () => {
  it("POST /v1/signup with org B's email answers exactly as for a new address, signs nobody in, and B keeps its account", async () => {
    const base = platform().baseUrl;
    // OWASP Authentication Cheat Sheet, "Authentication and Error Messages": no account enumeration.
    const taken = await sendJson(`${base}/v1/signup`, {}, { email: "BOB@b.example", password: "another long password" });
    const fresh = await sendJson(`${base}/v1/signup`, {}, { email: "nobody-yet@b.example", password: "another long password" });
    expect([taken.status, fresh.status]).toEqual([202, 202]);
    expect(taken.headers.getSetCookie()).toEqual([]);
    const [t, f] = [(await taken.json()) as { detail: string }, (await fresh.json()) as { detail: string }];
    expect(t.detail.replace("bob@b.example", "X")).toBe(f.detail.replace("nobody-yet@b.example", "X"));
    expect((await fetch(`${base}/v1/me`, { headers: bearer(bKey.key) })).status).toBe(200);
    // The owner of the address is told, by mail, instead.
    expect((await latestMail(base, "bob@b.example", /already have/)).text).toContain("/login");
  });

  it("answers an unknown email and a wrong password with the identical 401 (no account enumeration)", async () => {
    const base = platform().baseUrl;
    // OWASP Authentication Cheat Sheet, "Authentication and Error Messages": one generic answer.
    const [wrongPassword, unknownEmail] = await Promise.all([
      logIn(base, a.email, "not the password"),
      logIn(base, "nobody@nowhere.example", "not the password"),
    ]);
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.headers.get("content-type")).toBe("application/problem+json");
    expect(unknownEmail.headers.get("content-type")).toBe("application/problem+json");
    const [w, u] = [await wrongPassword.text(), await unknownEmail.text()];
    expect(w).toBe(u);
    expect((JSON.parse(w) as Problem).detail).toBe("email or password is incorrect");
  });

  it("POST /v1/logout ends that session only: its old cookie gets 401, another user's session still works", async () => {
    const base = platform().baseUrl;
    const carol = await signUp(base, "carol@c.example");
    expect((await fetch(`${base}/v1/me`, { headers: sessionHeaders(b) })).status).toBe(200);
    const out = await fetch(`${base}/v1/logout`, { method: "POST", headers: sessionHeaders(carol) });
    expect(out.status).toBe(204);
    const me = await fetch(`${base}/v1/me`, { headers: sessionHeaders(carol) });
    expect(me.status).toBe(401);
    expect(me.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/v1"`);
    const write = await sendJson(`${base}/v1/api-keys`, sessionHeaders(carol), { name: "late", toolkit: null });
    expect(write.status).toBe(401);
    expect((await fetch(`${base}/v1/me`, { headers: sessionHeaders(b) })).status).toBe(200);
  });
});

describe("session CSRF (OWASP CSRF Prevention Cheat Sheet: synchronizer token, Origin verification)", () => {
  // Paths and bodies are built when the test runs, after beforeAll has created A's key.
  const writes: Array<[string, string, () => [string, string | null]]> = [
    ["POST", "/v1/api-keys", () => ["/v1/api-keys", JSON.stringify({ name: "csrf", toolkit: null })]],
    ["POST", "/v1/org/members", () => ["/v1/org/members", JSON.stringify({ email: "csrf-victim@a.example" })]],
    ["DELETE", "/v1/api-keys/:id", () => [`/v1/api-keys/${aKeyId}`, null]],
    ["POST", "/v1/logout", () => ["/v1/logout", null]],
  ];

  it.each(writes)("refuses %s %s with the session cookie but no x-csrf-token (403), changing nothing", async (method, _route, request) => {
    const base = platform().baseUrl;
    const keysBefore = (await readAsA("/v1/api-keys", "session")).text;
    const [path, body] = request();
    const res = await fetch(`${base}${path}`, { method, headers: sessionHeaders(a, { csrf: false, json: true }), body });
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await res.json()) as Problem).type).toBe("/problems/forbidden");
    expect((await readAsA("/v1/api-keys", "session")).text).toBe(keysBefore);
    expect((await readAsA("/v1/org/members", "session")).text).not.toContain("csrf-victim@a.example");
  });

  it("refuses a wrong x-csrf-token and a cross-site Origin even with the right token (403)", async () => {
    const base = platform().baseUrl;
    const body = { name: "csrf", toolkit: null };
    const forged = { ...sessionHeaders(a), "x-csrf-token": "csrf_00000000000000000000000000000000" };
    expect((await sendJson(`${base}/v1/api-keys`, forged, body)).status).toBe(403);
    const crossSite = { ...sessionHeaders(a), origin: "https://evil.example" };
    expect((await sendJson(`${base}/v1/api-keys`, crossSite, body)).status).toBe(403);
  });
});

describe("API key revocation", () => {
  it("answers a revoked API key with 401 invalid_token on /v1 and /mcp", async () => {
    const base = platform().baseUrl;
    const key = await createApiKey(base, a, "short-lived");
    expect((await fetch(`${base}/v1/me`, { headers: bearer(key.key) })).status).toBe(200);
    const revoked = await fetch(`${base}/v1/api-keys/${key.id}`, { method: "DELETE", headers: sessionHeaders(a) });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { apiKey: { revokedAt: number | null } }).apiKey.revokedAt).toEqual(expect.any(Number));
    const res = await fetch(`${base}/v1/me`, { headers: bearer(key.key) });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect((await mcpInitialize(base, key.key)).status).toBe(401);
  });
});

describe("abuse limits (RFC 6585 §4: 429 with Retry-After; OWASP ASVS V2.2.1: count failures, not successes)", () => {
  const from = (address: string) => ({ "cf-connecting-ip": address });
  const login = (email: string, password: string, address: string): Promise<Response> =>
    sendJson(`${platform().baseUrl}/v1/login`, from(address), { email, password });

  it("never counts successful log-ins, so signing in often locks nobody out", async () => {
    await signUp(platform().baseUrl, "often@l.example");
    for (let i = 0; i < 8; i++) expect((await login("often@l.example", PASSWORD, "198.51.100.1")).status).toBe(200);
  });

  it("locks one address out of one account after 3 failures (any case of the email), while the person signs in from another", async () => {
    await signUp(platform().baseUrl, "limited@l.example");
    const attacker = "203.0.113.66";
    for (const email of ["limited@l.example", "LIMITED@l.example", "Limited@L.example"]) {
      expect((await login(email, "wrong password", attacker)).status).toBe(401);
    }
    const fourth = await login("limited@l.example", PASSWORD, attacker);
    expect(fourth.status).toBe(429);
    expect(fourth.headers.get("content-type")).toBe("application/problem+json");
    expect(fourth.headers.getSetCookie()).toEqual([]);
    const retryAfter = Number(fourth.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect((await fourth.json()) as Problem).toMatchObject({ type: "/problems/rate-limited", status: 429 });
    // The person, from their own address, is not locked out by the stranger's failures.
    expect((await login("limited@l.example", PASSWORD, "198.51.100.7")).status).toBe(200);
    // Nor is another person from the attacker's address.
    expect((await login(a.email, PASSWORD, attacker)).status).toBe(200);
  });

  it("bounds guessing from many addresses per account, and a success clears that address's failures", async () => {
    await signUp(platform().baseUrl, "spread@l.example");
    expect((await login("spread@l.example", "wrong", "192.0.2.1")).status).toBe(401);
    expect((await login("spread@l.example", "wrong", "192.0.2.1")).status).toBe(401);
    expect((await login("spread@l.example", PASSWORD, "192.0.2.1")).status).toBe(200);
    expect((await login("spread@l.example", "wrong", "192.0.2.1")).status).toBe(401);
    expect((await login("spread@l.example", "wrong", "192.0.2.1")).status).toBe(401);
    // 4 failures so far; 2 more from other addresses reach the per-account bound of 6 per hour.
    expect((await login("spread@l.example", "wrong", "192.0.2.2")).status).toBe(401);
    expect((await login("spread@l.example", "wrong", "192.0.2.3")).status).toBe(401);
    expect((await login("spread@l.example", PASSWORD, "192.0.2.4")).status).toBe(429);
  });
});
