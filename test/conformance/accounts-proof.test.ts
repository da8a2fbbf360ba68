import { describe, expect, it } from "vitest";
import { Browser, hiddenInput, signUpInBrowser } from "../e2e/browserless";
import { latestMail, linkToken } from "../e2e/mailbox";
import type { Account } from "./helpers";
import { PASSWORD, bearer, createApiKey, logIn, sendJson, sessionHeaders, signUp, usePlatform } from "./helpers";

// Membership needs proof of the address (a mailed single-use link), never a matching email alone;
// and a log-in's `next` only ever returns to this site.
const platform = usePlatform();

type Members = { members: Array<{ email: string; status: string; role: string }> };

async function members(owner: Account): Promise<Members["members"]> {
  const res = await fetch(`${platform().baseUrl}/v1/org/members`, { headers: sessionHeaders(owner) });
  expect(res.status).toBe(200);
  return ((await res.json()) as Members).members;
}

async function invite(owner: Account, email: string, role: "member" | "owner" = "member"): Promise<string> {
  const res = await sendJson(`${platform().baseUrl}/v1/org/members`, sessionHeaders(owner), { email, role });
  expect(res.status, await res.clone().text()).toBe(201);
  return linkToken(await latestMail(platform().baseUrl, email, /invited/), "invitations");
}

describe("invitations are accepted by proof of the address, not by a matching email", () => {
  it("does not let someone who signs up first with an invitee's address join, or even hold the account", async () => {
    const base = platform().baseUrl;
    const owner = await signUp(base, "owner@proof.example");
    await invite(owner, "cfo@proof.example", "owner");
    // The attacker signs up with the invitee's address: nothing is created without the mailed link.
    const attempt = await sendJson(`${base}/v1/signup`, {}, { email: "cfo@proof.example", password: "attacker's password!" });
    expect(attempt.status).toBe(202);
    expect(attempt.headers.getSetCookie()).toEqual([]);
    expect((await logIn(base, "cfo@proof.example", "attacker's password!")).status).toBe(401);
    expect((await members(owner)).find((m) => m.email === "cfo@proof.example")).toMatchObject({ status: "invited", role: "owner" });
  });

  it("does not join a verified account to the org at sign-up or log-in: only the invitation link does", async () => {
    const base = platform().baseUrl;
    const owner = await signUp(base, "lead@proof.example");
    await invite(owner, "dev@proof.example");
    const dev = await signUp(base, "dev@proof.example");
    expect((await logIn(base, "dev@proof.example", PASSWORD)).status).toBe(200);
    const orgs = (await (await fetch(`${base}/v1/orgs`, { headers: sessionHeaders(dev) })).json()) as { orgs: Array<{ id: string }> };
    expect(orgs.orgs.map((o) => o.id)).toEqual([dev.orgId]);
    expect((await members(owner)).find((m) => m.email === "dev@proof.example")?.status).toBe("invited");
  });

  it("accepts with the mailed link, once, and only for the invited address", async () => {
    const base = platform().baseUrl;
    const owner = await signUp(base, "boss@proof.example");
    const invitee = await signUp(base, "crew@proof.example");
    const stranger = await signUp(base, "stranger@proof.example");
    const token = await invite(owner, "crew@proof.example");
    // A forwarded link does not let another account join.
    const forwarded = await sendJson(`${base}/v1/invitations/accept`, sessionHeaders(stranger), { token });
    expect(forwarded.status).toBe(403);
    // An API key cannot accept for a person.
    const key = await createApiKey(base, invitee, "crew key");
    expect((await sendJson(`${base}/v1/invitations/accept`, bearer(key.key), { token })).status).toBe(403);
    const accepted = await sendJson(`${base}/v1/invitations/accept`, sessionHeaders(invitee), { token });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ org: { id: owner.orgId }, role: "member" });
    const replay = await sendJson(`${base}/v1/invitations/accept`, sessionHeaders(invitee), { token });
    expect(replay.status).toBe(404);
    expect((await fetch(`${base}/v1/invitations/${token}`)).status).toBe(404);
    expect((await members(owner)).find((m) => m.email === "crew@proof.example")?.status).toBe("active");
  });

  it("lets a new person sign up from the link (the token proves the address) and kills the previous link when re-invited", async () => {
    const base = platform().baseUrl;
    const owner = await signUp(base, "host@proof.example");
    const first = await invite(owner, "guest@proof.example");
    const second = await invite(owner, "guest@proof.example");
    expect(first).not.toBe(second);
    const stale = await sendJson(`${base}/v1/invitations/signup`, {}, { token: first, password: PASSWORD });
    expect(stale.status).toBe(404);
    const joined = await sendJson(`${base}/v1/invitations/signup`, {}, { token: second, password: PASSWORD });
    expect(joined.status).toBe(201);
    expect(await joined.json()).toMatchObject({ org: { id: owner.orgId }, role: "member" });
    expect((await logIn(base, "guest@proof.example", PASSWORD)).status).toBe(200);
  });

  it("refuses an invitation from a credential that cannot administer, and from a non-owner", async () => {
    const base = platform().baseUrl;
    const owner = await signUp(base, "careful@proof.example");
    const callOnly = await createApiKey(base, owner, "agent", []);
    const byAgent = await sendJson(`${base}/v1/org/members`, bearer(callOnly.key), { email: "friend@proof.example", role: "owner" });
    expect(byAgent.status).toBe(403);
    expect((await members(owner)).map((m) => m.email)).not.toContain("friend@proof.example");
  });
});

describe("sign-up verifies the address", () => {
  it("creates the account only when the mailed link is confirmed, and the link works once", async () => {
    const base = platform().baseUrl;
    const started = await sendJson(`${base}/v1/signup`, {}, { email: "Once@Proof.example", password: PASSWORD });
    expect(started.status).toBe(202);
    expect((await logIn(base, "once@proof.example", PASSWORD)).status).toBe(401);
    const token = linkToken(await latestMail(base, "once@proof.example", /Confirm/), "verify");
    // Opening the link (as a mail scanner would) changes nothing; only the confirm POST does.
    expect((await fetch(`${base}/verify/${token}`)).status).toBe(200);
    expect((await logIn(base, "once@proof.example", PASSWORD)).status).toBe(401);
    const verified = await sendJson(`${base}/v1/signup/verify`, {}, { token });
    expect(verified.status).toBe(201);
    expect((await sendJson(`${base}/v1/signup/verify`, {}, { token })).status).toBe(404);
    expect((await logIn(base, "once@proof.example", PASSWORD)).status).toBe(200);
  });

  it("signs up through the pages: the form, the mailed link, and its confirm button", async () => {
    const browser = await signUpInBrowser(platform().baseUrl, "pages@proof.example");
    const connect = await browser.get("/connect");
    expect(connect.status).toBe(200);
    expect(await connect.text()).toContain("pages@proof.example");
  });
});

describe("log-in returns only to this site (OWASP: unvalidated redirects)", () => {
  const hostile = ["/\t/evil.example", "/\n/evil.example", "/\\evil.example", "//evil.example", "/\\/evil.example", "/.//evil.example", "https://evil.example/", "/%09/../\t/evil.example"];

  it.each(hostile)("never redirects off-site after log-in for next=%j", async (next) => {
    const base = platform().baseUrl;
    const email = `redirect-${hostile.indexOf(next)}@proof.example`;
    await signUp(base, email);
    const browser = new Browser(base);
    const page = await (await browser.get(`/login?next=${encodeURIComponent(next)}`)).text();
    expect(hiddenInput(page, "next").startsWith("/")).toBe(true);
    const res = await browser.post("/login", { csrf: hiddenInput(page, "csrf"), email, password: PASSWORD, next });
    expect(res.status).toBe(303);
    const location = res.headers.get("location") ?? "";
    // Resolved the way the browser resolves it, the target stays on this origin.
    expect(new URL(location, base).origin).toBe(new URL(base).origin);
    expect(location).toBe("/connect");
  });

  it("keeps an on-site next, query included", async () => {
    const base = platform().baseUrl;
    await signUp(base, "onsite@proof.example");
    const browser = new Browser(base);
    const page = await (await browser.get("/login")).text();
    const res = await browser.post("/login", { csrf: hiddenInput(page, "csrf"), email: "onsite@proof.example", password: PASSWORD, next: "/approvals?x=1" });
    expect(res.headers.get("location")).toBe("/approvals?x=1");
  });
});
