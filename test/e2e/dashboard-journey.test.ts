import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium";
import { accessibilityViolations, cspViolations, PASSWORD, signedInPage } from "./dashboard";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import { htmlResponses } from "./source-pages";
import type { Petstore } from "./upstreams/petstore";
import { petstoreSpec, startPetstore } from "./upstreams/petstore";

// A new user's whole walkthrough in one real Chromium, without curl: upload a source, connect it,
// build a toolkit, set a policy, call from try-it, approve it from a second sign-in, read its Run.
describe("a new user's walkthrough in the dashboard, start to finish", () => {
  const SECRET = "canary-journey-5be1f0";
  const EMAIL = "journey@example.com";
  let platform: Platform;
  let pets: Petstore;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [platform, pets, browser] = await Promise.all([startPlatform(), startPetstore(), launchChromium()]);
    ({ context, page } = await signedInPage(browser, platform.baseUrl, EMAIL));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await Promise.all([platform?.stop(), pets?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  async function accessible(what: string): Promise<void> {
    expect(await accessibilityViolations(page), what).toEqual([]);
  }

  it("uploads, connects, curates, governs, calls, approves and reads the Run", async () => {
    const csp = cspViolations(page);
    const pages = htmlResponses(page);

    // 1. Sources: upload the pet store's description (a file, as someone who saved it would).
    await page.getByRole("link", { name: "Sources" }).first().click();
    await page.waitForURL(/\/sources$/);
    await page.locator("#upload-file").setInputFiles({ name: "petstore.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(petstoreSpec(pets.url))) });
    await expect.poll(() => page.locator("#upload-slug").inputValue()).toBe("petstore");
    await page.locator("#upload-local").check();
    await page.getByRole("button", { name: "Upload and add" }).click();
    await page.waitForURL(/\/sources\/petstore\?scope=org&added=1$/);
    await expect.poll(() => page.locator("#tool-count").textContent()).toContain("6");
    await accessible("source page");
    const orgId = await page.evaluate<string>('fetch("/v1/me").then((r) => r.json()).then((me) => me.org.id)');
    expect(orgId).toMatch(/^org_/);
    const address = (tool: string): string => `petstore.${orgId}.work.${tool}`;

    // 2. Connections: the secret goes in once and is never shown again.
    await page.getByRole("link", { name: "Connections" }).first().click();
    await page.waitForURL(/\/connections/);
    await page.locator("#add-source").selectOption("petstore");
    await page.locator("#add-name").fill("work");
    await page.locator("#add-secret").fill(SECRET);
    await page.getByRole("button", { name: "Add connection" }).click();
    await expect.poll(() => page.locator('tr[data-connection="petstore/work"] .secret').textContent()).toBe("set (stored encrypted)");
    await accessible("connections");

    // 3. Toolkits: pick two tools; the preview shows exactly them; the saved toolkit has its MCP URL.
    await page.getByRole("link", { name: "Toolkits" }).first().click();
    await page.goto("/toolkits/new");
    await page.locator("#tk-slug").fill("pet-care");
    await page.locator("#tk-title").fill("Pet care");
    for (const tool of ["getPet", "deletePet"]) await page.locator(`input[name=tools][value="${address(tool)}"]`).check();
    await expect.poll(() => page.locator("#preview-summary").textContent()).toBe("2 tools");
    await page.getByRole("button", { name: "Create toolkit" }).click();
    await page.waitForURL(/\/toolkits\/org\/pet-care\?saved=created/);
    expect(await page.locator("#mcp-url").textContent()).toBe(`${platform.baseUrl}/mcp?toolkit=pet-care`);
    await accessible("toolkit");

    // 4. Policies: reading one pet now needs a person's approval, and the table says which rule decides.
    await page.getByRole("link", { name: "Policies" }).first().click();
    await page.waitForURL(/\/policies/);
    await page.locator("#p-scope").selectOption("org");
    await page.locator("#p-source").selectOption("petstore");
    await page.locator("#p-tools").fill("getPet");
    await page.getByLabel("Require approval", { exact: true }).check();
    await page.getByRole("button", { name: "Add policy" }).click();
    await page.waitForURL(/created=/);
    await page.goto("/policies?source=petstore");
    expect(await page.locator(`#decisions tr[data-address="${address("getPet")}"]`).getAttribute("data-outcome")).toBe("require_approval");
    await accessible("policies");

    // 5. Tools: try getPet; the policy holds it, nothing reaches the pet store.
    await page.getByRole("link", { name: "Tools" }).first().click();
    await page.waitForURL(/\/tools/);
    await page.keyboard.type("get one pet");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/tools\?q=/);
    await page.locator(`#results > li a[href*="${encodeURIComponent(address("getPet"))}"]`).click();
    await page.waitForURL(/\/tools\/view\?address=/);
    expect(await page.locator("#policy-outcome").getAttribute("data-outcome")).toBe("require_approval");
    const before = pets.seen.filter((s) => s.path === "/pets/1").length;
    await page.getByLabel(/^petId/).fill("1");
    await page.getByRole("button", { name: "Call this tool" }).click();
    await page.locator("#review-link").waitFor();
    expect(pets.seen.filter((s) => s.path === "/pets/1").length).toBe(before);
    const runHref = (await page.locator("#run-link").getAttribute("href")) ?? "";
    expect(runHref).toMatch(/^\/runs\/run_/);

    // 6. Approve from a second sign-in (the session that asked may never approve its own call).
    const other = await browser.newContext({ baseURL: platform.baseUrl });
    const approver = await other.newPage();
    await approver.goto("/login");
    await approver.locator("#email").fill(EMAIL);
    await approver.locator("#password").fill(PASSWORD);
    await approver.getByRole("button", { name: "Log in" }).click();
    await approver.waitForURL(/\/connect/);
    await approver.goto(runHref);
    expect(await approver.locator("#status").textContent()).toBe("pending_approval");
    await approver.locator("#comment").fill("one read is fine");
    await approver.getByRole("button", { name: "Approve and run" }).click();
    await approver.waitForURL(/decided=approve/);
    await expect.poll(() => approver.locator("#status").textContent()).toBe("succeeded");
    await other.close();
    expect(pets.seen.filter((s) => s.path === "/pets/1" && s.headers.authorization === `Bearer ${SECRET}`).length).toBe(before + 1);

    // 7. Runs: the first sign-in finds the Run in the list and reads it whole.
    await page.getByRole("link", { name: "Runs" }).first().click();
    await page.waitForURL(/\/runs/);
    await page.locator(`a[href="${runHref}"]`).first().click();
    await page.waitForURL(new RegExp(`${runHref}$`));
    expect(await page.locator("#status").textContent()).toBe("succeeded");
    expect(await page.locator("#approvals tbody").textContent()).toContain("one read is fine");
    expect(await page.locator("#input-hash").textContent()).toMatch(/[0-9a-f]{16}/);
    expect(await page.locator("body").textContent()).toContain("Rex");
    await accessible("run");

    await pages.settled();
    expect(pages.bodies.length).toBeGreaterThan(10);
    for (const body of pages.bodies) expect(body).not.toContain(SECRET);
    expect(csp).toEqual([]);
  });
});
