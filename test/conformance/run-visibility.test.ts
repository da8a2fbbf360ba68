import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, hiddenInput } from "../e2e/browserless";
import type { Upstream } from "../e2e/upstreams/http-server";
import { json, serve } from "../e2e/upstreams/http-server";
import type { Api, Member, Problem, Run } from "./catalog-helpers";
import { apiClient, bearerHeaders, joinAsMember, signUpOwner } from "./catalog-helpers";
import type { Account } from "./helpers";
import { PASSWORD, createApiKey, logIn, sessionHeaders, signUp, usePlatform } from "./helpers";

// Who may see, cancel and read the arguments of a Run, over the real platform: one rule (canSeeRun)
// for `/v1/runs/{id}`, cancelling, deciding and the signed review page; and a Run handed to the
// upstream is never cancelled (it ends as what actually happened).
const platform = usePlatform();

/** How long the shop takes to act on an order: long enough to try cancelling it meanwhile. */
const ORDER_DELAY_MS = 2_000;

let shop: Upstream;
let owner: Account;
let asOwner: Api;
let ownerInPerson: Api;
let m1: Member;
let m2: Member;
let asM1: Api;
let asM2: Api;
/** m2 signed in as a person (session cookie), as on the review page. */
let m2Browser: Browser;
let m2InPerson: Api;

/** A shop whose order endpoint acts (records the order) and answers after a while. */
function shopSpec(base: string): object {
  return {
    openapi: "3.0.3",
    info: { title: "Shop", version: "1" },
    servers: [{ url: base }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
    paths: {
      "/orders": { post: { operationId: "placeOrder", requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } }, responses: { "201": { description: "placed" } } } },
      "/orders/{id}": { delete: { operationId: "cancelOrder", parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }], responses: { "204": { description: "gone" } } } },
    },
  };
}

async function signedIn(member: Member): Promise<{ browser: Browser; api: Api }> {
  const res = await logIn(platform().baseUrl, member.email, PASSWORD);
  expect(res.status).toBe(200);
  const browser = new Browser(platform().baseUrl);
  browser.jar.store(res);
  const body = (await res.json()) as { csrfToken: string };
  const account: Account = { email: member.email, userId: member.userId, orgId: member.orgId, csrfToken: body.csrfToken, browser };
  // Log-in may land in the person's own org; the session moves to the owner's.
  const switched = await fetch(`${platform().baseUrl}/v1/orgs/switch`, {
    method: "POST",
    headers: sessionHeaders(account, { json: true }),
    body: JSON.stringify({ orgId: owner.orgId }),
  });
  expect(switched.status).toBe(200);
  return { browser, api: apiClient(platform().baseUrl, () => sessionHeaders(account)) };
}

const address = (tool: string): string => `shop.${owner.orgId}.work.${tool}`;

/** The part of an answer that tells one refusal from another. */
function shape(res: { status: number; text: string }, runId: string): string {
  return `${res.status} ${res.text.split(runId).join("<id>")}`;
}

beforeAll(async () => {
  const base = platform().baseUrl;
  let shopBase = "";
  shop = await serve(async (req, res) => {
    if (req.path === "/openapi.json") return json(res, 200, shopSpec(shopBase));
    if (req.method === "POST" && req.path === "/orders") {
      await new Promise((r) => setTimeout(r, ORDER_DELAY_MS));
      return json(res, 201, { id: 1, placed: true });
    }
    res.writeHead(204);
    res.end();
  });
  shopBase = shop.url;
  owner = await signUpOwner(base, "visibility");
  asOwner = apiClient(base, bearerHeaders((await createApiKey(base, owner, "owner's key")).key));
  ownerInPerson = apiClient(base, () => sessionHeaders(owner));
  const imported = await asOwner.post("/v1/sources", { slug: "shop", kind: "openapi", config: { url: `${shop.url}/openapi.json` }, local: true });
  expect(imported.status, imported.text).toBe(201);
  expect((await asOwner.post("/v1/connections", { source: "shop", name: "work", secret: "shop-secret" })).status).toBe(201);
  m1 = await joinAsMember(base, asOwner, owner.orgId, "caller");
  m2 = await joinAsMember(base, asOwner, owner.orgId, "bystander");
  asM1 = apiClient(base, bearerHeaders(m1.key));
  asM2 = apiClient(base, bearerHeaders(m2.key));
  ({ browser: m2Browser, api: m2InPerson } = await signedIn(m2));
});

afterAll(async () => {
  await shop?.close();
});

describe("cancelling a call the upstream is already acting on", () => {
  it("is refused for everyone, and the Run ends as what actually happened (succeeded), never cancelled", async () => {
    const call = asM1.post("/v1/call", { address: address("placeOrder"), arguments: { body: { item: "lamp" } } });
    let running: Run | undefined;
    for (let i = 0; i < 50 && !running; i++) {
      const page = await asOwner.get(`/v1/runs?status=running&tool=${encodeURIComponent(address("placeOrder"))}`);
      running = (page.body.runs as Run[])[0];
      if (!running) await new Promise((r) => setTimeout(r, 50));
    }
    if (!running) throw new Error("the call never showed up running");
    const id = running.id;

    // The caller and an owner see it and are told why (409, naming the state) ...
    for (const [who, api] of [["caller", asM1], ["owner in person", ownerInPerson], ["owner's key", asOwner]] as const) {
      const res = await api.post(`/v1/runs/${id}/cancel`);
      expect(res.status, who).toBe(409);
      expect((res.body as Problem).type).toBe("/problems/conflict");
      expect(String((res.body as Problem).detail)).toContain("is running");
    }
    // ... and another member, who may not see an admitted Run at all, learns nothing: like a Run that does not exist.
    const unknown = "run_0000000000000000";
    for (const api of [asM2, m2InPerson]) {
      const res = await api.post(`/v1/runs/${id}/cancel`);
      expect(shape(res, id)).toBe(shape(await api.post(`/v1/runs/${unknown}/cancel`), unknown));
      expect(res.status).toBe(404);
    }

    const answered = await call;
    expect(answered.status).toBe(200);
    expect((answered.body.run as Run).status).toBe("succeeded");
    expect(((await asOwner.get(`/v1/runs/${id}`)).body.run as Run).status).toBe("succeeded");
    expect(shop.seen.filter((s) => s.method === "POST" && s.path === "/orders")).toHaveLength(1);
  });

  it("still lets the caller cancel their own call while it waits for approval, and it never runs", async () => {
    const pending = await asM1.post("/v1/call", { address: address("cancelOrder"), arguments: { id: 5 } });
    expect(pending.status).toBe(202);
    const id = (pending.body.run as Run).id;
    // A member's key without the approve capability cannot cancel it on the approver's behalf.
    expect((await asM2.post(`/v1/runs/${id}/cancel`)).status).toBe(403);
    const cancelled = await asM1.post(`/v1/runs/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect((cancelled.body.run as Run).status).toBe("cancelled");
    expect(shop.seen.some((s) => s.method === "DELETE")).toBe(false);
  });
});

describe("review links apply the rule /v1/runs/{id} applies", () => {
  async function pendingLink(orderId: number): Promise<{ id: string; path: string }> {
    const pending = await asM1.post("/v1/call", { address: address("cancelOrder"), arguments: { id: orderId } });
    expect(pending.status).toBe(202);
    return { id: (pending.body.run as Run).id, path: new URL((pending.body.resume as { link: string }).link).pathname };
  }

  it("shows a pending Run's arguments to a member entitled to decide it, and nothing once someone else decided it", async () => {
    const { id, path } = await pendingLink(4242);
    const open = await m2Browser.get(path);
    expect(open.status).toBe(200);
    expect(await open.text()).toContain("&quot;id&quot;: 4242");
    expect((await asM2.get(`/v1/runs/${id}`)).status).toBe(200);

    expect((await ownerInPerson.post(`/v1/runs/${id}/deny`, { comment: "not today" })).status).toBe(200);

    const [payload = "", mac = ""] = path.split("/").pop()?.split(".") ?? [];
    const forged = await m2Browser.get(`/approvals/review/${payload}.${mac.slice(0, -2)}AA`);
    const after = await m2Browser.get(path);
    const [afterText, forgedText] = [await after.text(), await forged.text()];
    expect(after.status).toBe(404);
    expect(`${after.status} ${afterText}`).toBe(`${forged.status} ${forgedText}`);
    expect(afterText).not.toContain("4242");
    // The page and the API agree; posting a decision through the link answers alike.
    expect((await asM2.get(`/v1/runs/${id}`)).status).toBe(404);
    const csrf = hiddenInput(await (await m2Browser.get("/approvals")).text(), "csrf");
    const posted = await m2Browser.post(path, { csrf, decision: "approve" });
    expect(`${posted.status} ${await posted.text()}`).toBe(`${forged.status} ${forgedText}`);
  });

  it("keeps showing a decided Run to the caller and owners; the member who decided it is told so, then sees no more", async () => {
    const { id, path } = await pendingLink(77);
    const page = await (await m2Browser.get(path)).text();
    const decided = await m2Browser.post(path, { csrf: hiddenInput(page, "csrf"), decision: "deny", comment: "no" });
    expect(decided.status).toBe(200);
    const confirmation = await decided.text();
    expect(confirmation).toContain("You denied this call");
    expect(confirmation).not.toContain("&quot;id&quot;: 77");
    // The decision stands in the record, which the caller and owners read; the decider no longer does, on the page or the API.
    expect((await m2Browser.get(path)).status).toBe(404);
    expect((await m2InPerson.get(`/v1/runs/${id}`)).status).toBe(404);
    const asOwnerPage = await owner.browser.get(path);
    expect(asOwnerPage.status).toBe(200);
    expect(await asOwnerPage.text()).toContain("&quot;id&quot;: 77");
    const caller = await signedIn(m1);
    expect((await caller.browser.get(path)).status).toBe(200);
    const record = (await asM1.get(`/v1/runs/${id}`)).body.run as Run;
    expect(record.status).toBe("denied");
    expect(record.approvals).toEqual([expect.objectContaining({ decision: "deny", by: m2.userId })]);
  });

  it("answers a link from another org like an invalid one, even to that org's owner", async () => {
    const { path } = await pendingLink(9);
    const stranger = await signUp(platform().baseUrl, "stranger@elsewhere.example");
    const res = await stranger.browser.get(path);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("cancelOrder");
  });
});
