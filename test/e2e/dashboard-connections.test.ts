import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium";
import { PASSWORD, cspViolations, signedInPage } from "./dashboard";
import { signUpFromInvitation } from "./mailbox";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import { addPetstoreByUrl, csrfOf, expectAccessible, freshEmail, htmlResponses, logIn, screenshot } from "./source-pages";
import type { Petstore } from "./upstreams/petstore";
import { startPetstore } from "./upstreams/petstore";

// The Connections page: a connection's secret goes in (add, rotate) and never comes out on any page;
// "Test" is a Run through the invocation path; members see org connections without owner actions.
describe("the Connections page in Chromium", () => {
  let platform: Platform;
  let browser: Browser;
  let petstore: Petstore;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    [platform, browser, petstore] = await Promise.all([startPlatform(), launchChromium(), startPetstore()]);
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([platform?.stop(), petstore?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  async function signIn(what: string): Promise<Page> {
    const signed = await signedInPage(browser, platform.baseUrl, freshEmail(what));
    context = signed.context;
    return signed.page;
  }

  it("adds, rotates, tests and removes a connection, and its secrets never appear in any page", async () => {
    const page = await signIn("connections");
    const csp = cspViolations(page);
    const first = `first-secret-${Date.now()}`;
    const rotated = `rotated-secret-${Date.now()}`;
    await addPetstoreByUrl(page, petstore.url);
    const seen = htmlResponses(page);

    await page.getByRole("link", { name: "Connections for this source" }).click();
    await expect.poll(() => page.locator("#add-source").inputValue()).toBe("petstore");
    expect(await page.locator("#add-secret").getAttribute("type")).toBe("password");
    expect(await page.locator("#add-secret").getAttribute("autocomplete")).toBe("off");
    await expectAccessible(page, "/connections (none yet)");
    await page.locator("#add-name").fill("work");
    await page.locator("#add-secret").fill(first);
    await page.getByRole("button", { name: "Add connection" }).click();
    const row = page.locator('tr[data-connection="petstore/work"]');
    await expect.poll(() => row.locator(".secret").textContent()).toBe("set (stored encrypted)");
    expect(await page.locator(".notice").textContent()).toContain("Added the connection work for petstore");
    await expectAccessible(page, "/connections (one connection)");

    await row.getByText("Rotate secret").click();
    await row.getByLabel("New secret for work").fill(rotated);
    await row.getByRole("button", { name: "Replace secret" }).click();
    await expect.poll(() => page.locator(".notice").textContent()).toContain("Replaced the secret of work (petstore)");

    const before = petstore.seen.length;
    await page.locator('tr[data-connection="petstore/work"]').getByRole("button", { name: "Test work" }).click();
    const result = page.locator("#test-result");
    await expect.poll(() => result.getAttribute("data-status")).toBe("succeeded");
    expect(await result.textContent()).toContain("with listPets passed");
    const runId = (await result.getAttribute("data-run")) ?? "";
    expect(await result.getByRole("link").getAttribute("href")).toBe(`/runs/${runId}`);
    await expectAccessible(page, "/connections (test result)");
    await screenshot(page, "connections");
    // The test is a Run like any call, made through the invocation path with the rotated secret.
    const run = (await (await page.request.get(`/v1/runs/${runId}`)).json()) as { run: { status: string; surface: string; address: string } };
    expect(run.run).toMatchObject({ status: "succeeded", surface: "web" });
    expect(run.run.address).toMatch(/^petstore\.org_[^.]+\.work\.listPets$/);
    const calls = petstore.seen.slice(before).filter((s) => s.path.startsWith("/pets"));
    expect(calls.map((s) => s.headers.authorization)).toEqual([`Bearer ${rotated}`]);

    // The remove button asks first: declining keeps the connection.
    page.once("dialog", (d) => void d.dismiss());
    await page.locator('tr[data-connection="petstore/work"]').getByRole("button", { name: "Remove work" }).click();
    await page.waitForTimeout(200);
    expect(await page.locator('tr[data-connection="petstore/work"]').count()).toBe(1);
    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
      void d.accept();
    });
    await page.locator('tr[data-connection="petstore/work"]').getByRole("button", { name: "Remove work" }).click();
    await expect.poll(() => page.locator(".notice").textContent()).toContain("Removed the connection work (petstore)");
    expect(asked).toContain("Remove the connection work of petstore?");
    expect(await page.locator('tr[data-connection="petstore/work"]').count()).toBe(0);

    await page.goto("/sources");
    await page.goto("/sources/petstore?scope=org");
    await seen.settled();
    expect(seen.bodies.length).toBeGreaterThan(5);
    for (const body of seen.bodies) {
      expect(body).not.toContain(first);
      expect(body).not.toContain(rotated);
    }
    expect(csp).toEqual([]);
  });

  it("adds a source with a first connection whose secret is said to be set and never shown", async () => {
    const page = await signIn("first-connection");
    const secret = `first-connection-${Date.now()}`;
    const seen = htmlResponses(page);
    await addPetstoreByUrl(page, petstore.url, secret);
    await page.goto("/connections");
    await expect.poll(() => page.locator('tr[data-connection="petstore/work"] .secret').textContent()).toBe("set (stored encrypted)");
    await page.goto("/sources");
    await seen.settled();
    expect(seen.bodies.length).toBeGreaterThan(3);
    for (const body of seen.bodies) expect(body).not.toContain(secret);
  });

  it("shows a member the org's source and connection without the owner's buttons, and refuses a forged grant", async () => {
    const page = await signIn("owner");
    await addPetstoreByUrl(page, petstore.url, `owner-secret-${Date.now()}`);
    const org = ((await (await page.request.get("/v1/me")).json()) as { org: { id: string } }).org.id;
    const email = freshEmail("member");
    const invited = await page.request.post("/v1/org/members", { headers: { "x-csrf-token": await csrfOf(page) }, data: { email, role: "member" } });
    expect(invited.status(), await invited.text()).toBe(201);
    expect((await signUpFromInvitation(platform.baseUrl, email, PASSWORD)).status).toBe(201);

    const { context: member, page: view } = await logIn(browser, platform.baseUrl, email, "/sources");
    try {
      const csp = cspViolations(view);
      // Log-in opens the member's own org first; the shared one is a switch away.
      const switched = await view.request.post("/v1/orgs/switch", { headers: { "x-csrf-token": await csrfOf(view) }, data: { orgId: org } });
      expect(switched.status(), await switched.text()).toBe(200);

      await view.goto("/sources");
      expect(await view.locator("#url-scope option").allTextContents()).toEqual(["Only you"]);
      await view.goto("/sources/petstore?scope=org");
      await expect.poll(() => view.locator("#read-only").count()).toBe(1);
      expect(await view.getByRole("button", { name: /Refresh|Remove source|Grant/ }).count()).toBe(0);
      await expectAccessible(view, "a member's view of an org source");
      await view.goto("/connections");
      const row = view.locator('tr[data-connection="petstore/work"]');
      expect(await row.textContent()).toContain("only an owner can change it");
      expect(await row.getByRole("button", { name: "Remove work" }).count()).toBe(0);
      // The buttons are only left out; the rule itself refuses the post.
      const forged = await view.request.post("/sources/petstore/grant?scope=org", { form: { csrf: await csrfOf(view), tool: "listPets" }, maxRedirects: 0 });
      expect(forged.status()).toBe(403);
      expect(await forged.text()).toContain("only an owner of the organization can change what is placed in it");
      expect(csp).toEqual([]);
    } finally {
      await member.close();
    }
  });
});
