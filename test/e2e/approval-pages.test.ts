import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client } from "./api";
import type { Browser } from "./browserless";
import { hiddenInput, signUpInBrowser } from "./browserless";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import { startPetstore } from "./upstreams/petstore";

/** An API key for the browser's session (POST /v1/api-keys with the session cookie and CSRF header). */
async function keyFor(browser: Browser, capabilities: string[] = ["administer"]): Promise<{ key: string; orgId: string; userId: string }> {
  const me = await fetch(`${browser.base}/v1/me`, { headers: { cookie: browser.jar.header() } });
  const { org, user } = (await me.json()) as { org: { id: string }; user: { id: string } };
  const page = await (await browser.get("/api-keys")).text();
  const res = await fetch(`${browser.base}/v1/api-keys`, {
    method: "POST",
    headers: { cookie: browser.jar.header(), "content-type": "application/json", "x-csrf-token": hiddenInput(page, "csrf") },
    body: JSON.stringify({ name: "approvals", capabilities }),
  });
  return { key: ((await res.json()) as { key: string }).key, orgId: org.id, userId: user.id };
}

describe("deciding from the resume link page and the inbox; audit export", () => {
  let platform: Platform;
  let petstore: Awaited<ReturnType<typeof startPetstore>>;
  let browser: Browser;
  let owner: { key: string; orgId: string; userId: string };
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    [platform, petstore] = await Promise.all([startPlatform(), startPetstore()]);
    browser = await signUpInBrowser(platform.baseUrl, "approver@example.com");
    owner = await keyFor(browser);
    api = client(platform.baseUrl, owner.key);
    await api.post("/v1/sources", {
      slug: "pets",
      kind: "openapi",
      config: { url: `${petstore.url}/openapi.json` },
      local: true,
      connection: { name: "work", secret: "pages-secret" },
    });
  });

  afterAll(async () => {
    await Promise.all([platform?.stop(), petstore?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  it("shows exactly what will run behind a signed link, and approves it once", async () => {
    const pending = await api.post("/v1/call", { address: `pets.${owner.orgId}.work.deletePet`, arguments: { petId: 2 } });
    const link = new URL((pending.body.resume as { link: string }).link);
    const inbox = await (await browser.get("/approvals")).text();
    expect(inbox).toContain(`pets.${owner.orgId}.work.deletePet`);
    const review = await browser.get(link.pathname);
    const html = await review.text();
    expect(review.status).toBe(200);
    expect(html).toContain("deletePet");
    expect(html).toContain("&quot;petId&quot;: 2");
    const decided = await browser.post(link.pathname, { csrf: hiddenInput(html, "csrf"), decision: "approve", comment: "fine" });
    expect(decided.status).toBe(200);
    expect(await decided.text()).toContain("succeeded");
    expect(petstore.seen.filter((s) => s.method === "DELETE").map((s) => s.path)).toEqual(["/pets/2"]);
    const again = await browser.post(link.pathname, { csrf: hiddenInput(html, "csrf"), decision: "approve" });
    expect(again.status).toBe(409);
    expect(petstore.seen.filter((s) => s.method === "DELETE")).toHaveLength(1);
  });

  it("refuses a tampered link and a decision without the CSRF token", async () => {
    const pending = await api.post("/v1/call", { address: `pets.${owner.orgId}.work.deletePet`, arguments: { petId: 1 } });
    const link = new URL((pending.body.resume as { link: string }).link);
    const [payload, mac] = link.pathname.split("/").pop()!.split(".");
    const forged = `/approvals/review/${payload}.${mac!.slice(0, -2)}AA`;
    expect((await browser.get(forged)).status).toBe(404);
    expect((await browser.post(link.pathname, { decision: "approve" })).status).toBe(403);
    expect(petstore.pets.has(1)).toBe(true);
    // Deciding needs the approve capability (DESIGN invariant 9): a key an owner granted it.
    const approver = client(platform.baseUrl, (await keyFor(browser, ["approve"])).key);
    expect((await approver.post(`/v1/runs/${(pending.body.run as { id: string }).id}/deny`, { comment: "no" })).status).toBe(200);
  });

  it("forbids approving one's own call when the deciding policy says so", async () => {
    const policy = await api.post("/v1/policies", { target: { source: "pets", tools: "createPet" }, action: "require_approval", forbidSelfApproval: true });
    expect(policy.status).toBe(201);
    const pending = await api.post("/v1/call", { address: `pets.${owner.orgId}.work.createPet`, arguments: { body: { name: "Nemo" } } });
    expect(pending.status).toBe(202);
    const runId = (pending.body.run as { id: string }).id;
    // The calling credential can never approve its own call...
    const sameKey = await api.post(`/v1/runs/${runId}/approve`);
    expect(sameKey.status).toBe(403);
    expect(String(sameKey.body.detail)).toContain("the credential that made this call");
    // ...and under this policy, neither can the same person with another credential.
    const other = client(platform.baseUrl, (await keyFor(browser, ["approve"])).key);
    const samePerson = await other.post(`/v1/runs/${runId}/approve`);
    expect(samePerson.status).toBe(403);
    expect(String(samePerson.body.detail)).toContain("someone other than the caller");
  });

  it("filters runs by decision and exports them as JSON lines", async () => {
    const approved = await api.get("/v1/runs?decision=approve");
    expect((approved.body.runs as Array<{ status: string }>).map((r) => r.status)).toEqual(["succeeded"]);
    const denied = await api.get("/v1/runs?decision=deny");
    expect((denied.body.runs as unknown[]).length).toBe(1);
    const res = await fetch(`${platform.baseUrl}/v1/runs/export`, { headers: { authorization: `Bearer ${owner.key}` } });
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l) as { id: string });
    const all = (await api.get("/v1/runs?limit=200")).body.runs as Array<{ id: string }>;
    expect(lines.map((l) => l.id)).toEqual(all.map((r) => r.id));
    expect(lines.length).toBeGreaterThanOrEqual(3);
  });
});
