import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import { launchChromium } from "./chromium";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import type { Upstream } from "./upstreams/http-server";
import { serve } from "./upstreams/http-server";
import { startPetstore } from "./upstreams/petstore";

// A customer's web page on another loopback origin calls a toolkit route from a real Chromium:
// allowed when the toolkit and the key both allow its origin, refused (no side effect) otherwise.
describe("toolkit routes from a browser on another origin (CORS)", () => {
  let platform: Platform;
  let pets: Awaited<ReturnType<typeof startPetstore>>;
  let site: Upstream;
  let browser: Browser;
  let owner: Account;
  let allowedKey = "";
  let otherKey = "";

  beforeAll(async () => {
    [platform, pets, browser] = await Promise.all([startPlatform(), startPetstore(), launchChromium()]);
    site = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!doctype html><title>customer app</title><p>app</p>");
    });
    owner = await signUpWithKey(platform.baseUrl, "cors@example.com");
    const api = client(platform.baseUrl, owner.key);
    await api.post("/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${pets.url}/openapi.json` }, local: true, connection: { name: "work", secret: "cors-secret" } });
    const kit = await api.post("/v1/toolkits", { slug: "web", title: "Web", tools: [`pets.${owner.orgId}.work.createPet`, `pets.${owner.orgId}.work.listPets`], patterns: [], allowedOrigins: [site.url] });
    expect(kit.status, kit.text).toBe(201);
    const admin = client(platform.baseUrl, owner.approverKey);
    allowedKey = String((await admin.post("/v1/api-keys", { name: "web", toolkit: `${owner.orgId}/web`, allowedOrigins: [site.url] })).body.key);
    otherKey = String((await admin.post("/v1/api-keys", { name: "server only", toolkit: `${owner.orgId}/web` })).body.key);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([platform?.stop(), pets?.close(), site?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  async function fromPage(key: string, tool: string, body: unknown): Promise<{ status: number; text: string } | { blocked: string }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(site.url);
    const result = await page.evaluate(
      async ({ url, key, body }) => {
        try {
          const res = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
          return { status: res.status, text: await res.text() };
        } catch (e) {
          return { blocked: String(e) };
        }
      },
      { url: `${platform.baseUrl}/v1/toolkits/${owner.orgId}/web/tools/pets/${tool}`, key, body },
    );
    await context.close();
    return result;
  }

  it("lets the allowed origin call with a key that allows it", async () => {
    const res = await fromPage(allowedKey, "listPets", {});
    expect("status" in res && res.status).toBe(200);
    expect("text" in res && res.text).toContain("Rex");
  });

  it("refuses a key that does not allow the origin, and nothing reaches the upstream", async () => {
    const before = pets.seen.filter((s) => s.method === "POST").length;
    const res = await fromPage(otherKey, "createPet", { body: { name: "Intruder" } });
    // The browser sees an opaque failure (no CORS headers), and the call never ran.
    expect("blocked" in res || ("status" in res && res.status === 403)).toBe(true);
    expect(pets.seen.filter((s) => s.method === "POST").length).toBe(before);
  });

  it("answers the preflight only for an allowed origin, never allowing credentials", async () => {
    const url = `${platform.baseUrl}/v1/toolkits/${owner.orgId}/web/tools/pets/listPets`;
    const ok = await fetch(url, { method: "OPTIONS", headers: { origin: site.url, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(site.url);
    expect(ok.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(ok.headers.get("access-control-allow-credentials")).toBeNull();
    const evil = await fetch(url, { method: "OPTIONS", headers: { origin: "http://127.0.0.1:9", "access-control-request-method": "POST" } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses an origin the toolkit does not allow even with a key, before any call", async () => {
    const before = pets.seen.length;
    const res = await fetch(`${platform.baseUrl}/v1/toolkits/${owner.orgId}/web/tools/pets/listPets`, {
      method: "POST",
      headers: { origin: "http://127.0.0.1:9", authorization: `Bearer ${allowedKey}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(pets.seen.length).toBe(before);
  });
});
