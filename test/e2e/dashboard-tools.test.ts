import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium";
import { accessibilityViolations, cspViolations, signedInPage } from "./dashboard";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import type { Petstore } from "./upstreams/petstore";
import { startPetstore } from "./upstreams/petstore";

const SECRET = "canary-dashboard-tools-8c2d";
// Gitignored; CI keeps whatever lands here.
const RESULTS = resolve(import.meta.dirname, "../../test-results");

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: resolve(RESULTS, `dashboard-tools-${name}.png`), fullPage: true });
}

type Answer = { status: number; body: Record<string, unknown> };

// The page's own document, inside page.evaluate (the test project compiles without the DOM library).
declare const document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null; activeElement: { id: string } | null };

/** Calls /v1 from inside the page, as the page scripts do: the session cookie and the CSRF meta tag. */
async function v1(page: Page, method: string, path: string, body?: unknown): Promise<Answer> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const csrf = document.querySelector("meta[name=csrf-token]")?.getAttribute("content") ?? "";
      const res = await fetch(path, {
        method,
        headers: { "content-type": "application/json", "x-csrf-token": csrf },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    { method, path, body },
  );
}

// Tools, Toolkits and Policies in a real Chromium against the real platform and a real pet store:
// every try is a call through the one invocation path, so it is governed and leaves a Run.
describe("the Tools, Toolkits and Policies pages in Chromium", () => {
  let platform: Platform;
  let pets: Petstore;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let csp: string[];
  let orgId: string;
  const address = (tool: string): string => `pets.${orgId}.work.${tool}`;

  beforeAll(async () => {
    [platform, pets, browser] = await Promise.all([startPlatform(), startPetstore(), launchChromium()]);
    ({ context, page } = await signedInPage(browser, platform.baseUrl, "tools-pages@example.com"));
    csp = cspViolations(page);
    await page.goto("/tools");
    orgId = String(((await v1(page, "GET", "/v1/me")).body.org as { id: string }).id);
    const added = await v1(page, "POST", "/v1/sources", {
      slug: "pets",
      kind: "openapi",
      config: { url: `${pets.url}/openapi.json` },
      local: true,
      connection: { name: "work", secret: SECRET },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await Promise.all([platform?.stop(), pets?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  it("searches from the focused box, narrows by facet, and opens a tool page with its schemas and TypeScript", async () => {
    await page.goto("/tools");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("q");
    await page.keyboard.type("pet");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/tools\?q=pet/);
    const results = page.locator("#results > li");
    const names = async (): Promise<string[]> => (await results.locator("a strong").allTextContents()).sort();
    expect(await names()).toEqual(expect.arrayContaining(["createPet", "deletePet", "getPet", "listPets"]));
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.locator("#f-source").selectOption("pets");
    await page.locator("#f-side").selectOption("destructive");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/source=pets&sideEffect=destructive/);
    expect(await names()).toEqual(["deletePet"]);
    await page.locator("#f-side").selectOption("");
    await page.locator("#f-status").selectOption("awaiting_review");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/status=awaiting_review/);
    // A first import is its own review: nothing of it waits.
    expect(await page.locator("#no-results").count()).toBe(1);
    expect(await results.count()).toBe(0);

    await page.goto("/tools?q=list+pets");
    await results.first().getByRole("link").click();
    await page.waitForURL(/\/tools\/view\?address=/);
    expect(await page.locator("#address").textContent()).toBe(address("listPets"));
    expect(await page.locator("#side-effect").textContent()).toBe("read");
    expect(await page.locator("#policy-outcome").getAttribute("data-outcome")).toBe("admit");
    expect(JSON.parse((await page.locator("#input-schema").textContent()) ?? "")).toMatchObject({ properties: { limit: { type: "integer" } } });
    expect(await page.locator("#output-schema").textContent()).toContain('"type": "array"');
    expect(await page.locator("#typescript").textContent()).toMatch(/limit\?: number/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, "tool");
  });

  it("pages through the results, keeping the query and the facets on every page link", async () => {
    await page.goto("/tools?source=pets&sideEffect=read&limit=2");
    const seen: string[] = [];
    for (let n = 0; n < 5; n++) {
      seen.push(...(await page.locator("#results > li a strong").allTextContents()));
      const next = page.getByRole("link", { name: "Next page" });
      if ((await next.count()) === 0) break;
      expect(await next.getAttribute("href")).toMatch(/source=pets&sideEffect=read&limit=2&cursor=\d+/);
      await next.click();
      await page.waitForURL(new RegExp(`cursor=${2 * (n + 1)}`));
    }
    // Every GET operation of the pet store, each once, two to a page, in address order.
    expect(seen).toEqual(["echoFailure", "getPet", "listPets", "slowPets"]);
    await page.getByRole("link", { name: "Previous page" }).click();
    await page.waitForURL(/cursor=0|limit=2$/);
    expect(await page.locator("#results > li a strong").allTextContents()).toEqual(["echoFailure", "getPet"]);
  });

  it("tries a read tool from its fields: the result is shown and its Run, on the web surface, is linked", async () => {
    await page.goto(`/tools/view?address=${encodeURIComponent(address("listPets"))}`);
    await page.getByLabel(/^limit/).fill("1");
    await page.getByRole("button", { name: "Call this tool" }).click();
    await page.locator("#result").waitFor();
    expect(JSON.parse((await page.locator("#result").textContent()) ?? "")).toEqual([{ id: 1, name: "Rex" }]);
    const href = (await page.locator("#run-link").getAttribute("href")) ?? "";
    expect(href).toMatch(/^\/runs\/[a-z]+_[0-9a-z]+$/);
    const run = (await v1(page, "GET", `/v1${href}`)).body.run as { status: string; surface: string; address: string };
    expect(run).toMatchObject({ status: "succeeded", surface: "web", address: address("listPets") });
    expect(pets.seen.filter((s) => s.path === "/pets?limit=1")).toHaveLength(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, "try-it");

    // The JSON form says the same through the same path; reloading the answer replays its Run, not the call.
    await page.goto(`/tools/view?address=${encodeURIComponent(address("listPets"))}&mode=json`);
    await page.locator("#arguments").fill('{"limit": 2}');
    await page.getByRole("button", { name: "Call this tool" }).click();
    await page.locator("#result").waitFor();
    expect(JSON.parse((await page.locator("#result").textContent()) ?? "")).toHaveLength(2);
    const first = await page.locator("#run-link").getAttribute("href");
    await page.reload();
    await page.locator("#result").waitFor();
    expect(await page.locator("#run-link").getAttribute("href")).toBe(first);
    expect(pets.seen.filter((s) => s.path === "/pets?limit=2")).toHaveLength(1);
  });

  it("tries a destructive tool: nothing is sent, and the pending call links its review page and Run", async () => {
    await page.goto(`/tools/view?address=${encodeURIComponent(address("deletePet"))}`);
    expect(await page.locator("#policy-outcome").getAttribute("data-outcome")).toBe("require_approval");
    await page.getByLabel(/^petId/).fill("2");
    await page.getByRole("button", { name: "Call this tool" }).click();
    await page.locator("#review-link").waitFor();
    expect(await page.locator("#outcome-title").textContent()).toBe("Waiting for approval");
    expect(pets.seen.filter((s) => s.method === "DELETE")).toHaveLength(0);
    const runHref = (await page.locator("#run-link").getAttribute("href")) ?? "";
    const run = (await v1(page, "GET", `/v1${runHref}`)).body.run as { status: string; surface: string };
    expect(run).toMatchObject({ status: "pending_approval", surface: "web" });
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.locator("#review-link").click();
    await page.waitForURL(/\/approvals\/review\//);
    expect(await page.locator("#tool").textContent()).toBe("deletePet");
    expect(await page.locator("#status").textContent()).toBe("pending_approval");
  });

  it("builds a toolkit by picking tools: the live preview lists exactly those, and the saved toolkit shows its MCP URL", async () => {
    await page.goto("/toolkits/new");
    await page.locator("#tk-slug").fill("pets-read");
    await page.locator("#tk-title").fill("Pets, read only");
    const picked = [address("getPet"), address("listPets")];
    const preview = async (): Promise<string[]> => (await page.locator("#preview > li").evaluateAll((els) => els.map((e) => e.getAttribute("data-address") ?? ""))).sort();
    for (const a of picked) await page.locator(`input[name=tools][value="${a}"]`).check();
    await expect.poll(preview).toEqual(picked);
    await expect.poll(() => page.locator("#preview-summary").textContent()).toBe("2 tools");
    // A pattern widens it live; removing it narrows it back.
    await page.locator("#tk-patterns").fill(`pets.${orgId}.work.*Pet`);
    await expect.poll(preview).toEqual([address("createPet"), address("deletePet"), ...picked].sort());
    await page.locator("#tk-patterns").fill("");
    await expect.poll(preview).toEqual(picked);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, "toolkit-new");

    await page.getByRole("button", { name: "Create toolkit" }).click();
    await page.waitForURL(/\/toolkits\/org\/pets-read\?saved=created/);
    expect(await page.locator("#mcp-url").textContent()).toBe(`${platform.baseUrl}/mcp?toolkit=pets-read`);
    expect(await page.locator("#openapi-url").textContent()).toBe(`${platform.baseUrl}/v1/toolkits/${orgId}/pets-read/openapi.json`);
    expect(await preview()).toEqual(picked);
    const stored = ((await v1(page, "GET", "/v1/toolkits")).body.toolkits as Array<{ slug: string; tools: string[]; runCode: boolean }>).find((t) => t.slug === "pets-read");
    expect(stored?.tools.slice().sort()).toEqual(picked);
    expect(stored?.runCode).toBe(false);
    expect(await accessibilityViolations(page)).toEqual([]);

    // Edit: only what changed is saved (here code mode), and the list shows the toolkit.
    await page.locator("#tk-runcode").check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(/saved=runCode$/);
    expect(await page.getByRole("status").first().textContent()).toBe("Saved: code mode.");
    const edited = ((await v1(page, "GET", "/v1/toolkits")).body.toolkits as Array<{ slug: string; tools: string[]; runCode: boolean }>).find((t) => t.slug === "pets-read");
    expect(edited).toMatchObject({ runCode: true });
    expect(edited?.tools.slice().sort()).toEqual(picked);
    await page.goto("/toolkits");
    expect(await page.locator('tr[data-toolkit="pets-read"] code').allTextContents()).toContain(`${platform.baseUrl}/mcp?toolkit=pets-read`);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it("previews without JavaScript too: the Preview button re-renders the page with the same list", async () => {
    const plain = await browser.newContext({ baseURL: platform.baseUrl, javaScriptEnabled: false, storageState: await context.storageState() });
    const noScript = await plain.newPage();
    await noScript.goto("/toolkits/new");
    await noScript.locator(`input[name=tools][value="${address("deletePet")}"]`).check();
    expect(await noScript.locator("#preview > li").count()).toBe(0);
    const [posted] = await Promise.all([
      noScript.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/toolkits/new"),
      noScript.getByRole("button", { name: "Preview" }).click(),
    ]);
    expect(posted.status()).toBe(200);
    await noScript.waitForLoadState();
    expect(await noScript.locator("#preview > li").evaluateAll((els) => els.map((e) => e.getAttribute("data-address")))).toEqual([address("deletePet")]);
    expect(await noScript.locator(`input[name=tools][value="${address("deletePet")}"]`).isChecked()).toBe(true);
    await plain.close();
  });

  it("names an org policy that blocks a tool as its deciding rule, and try-it shows the refusal", async () => {
    await page.goto("/policies?source=pets");
    const row = (tool: string) => page.locator(`#decisions tr[data-address="${address(tool)}"]`);
    expect(await row("getPet").getAttribute("data-outcome")).toBe("admit");
    expect(await row("getPet").locator("[data-rule=default]").count()).toBe(1);

    await page.locator("#p-scope").selectOption("org");
    await page.locator("#p-source").selectOption("pets");
    await page.locator("#p-tools").fill("getPet");
    await page.getByLabel("Block", { exact: true }).check();
    await page.getByRole("button", { name: "Add policy" }).click();
    await page.waitForURL(/created=/);
    const policyId = new URL(page.url()).searchParams.get("created") ?? "";
    expect(await page.locator(`#policy-${policyId}`).textContent()).toContain("Block");

    expect(await row("getPet").getAttribute("data-outcome")).toBe("reject");
    const rule = row("getPet").locator(".rule");
    expect(await rule.locator(`a[data-rule="${policyId}"]`).count()).toBe(1);
    expect(await rule.textContent()).toContain(`Organization`);
    // The others keep their default.
    expect(await row("listPets").getAttribute("data-outcome")).toBe("admit");
    expect(await row("deletePet").getAttribute("data-outcome")).toBe("require_approval");
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, "policies");

    await page.goto(`/tools/view?address=${encodeURIComponent(address("getPet"))}`);
    expect(await page.locator("#policy-outcome").getAttribute("data-outcome")).toBe("reject");
    const before = pets.seen.length;
    await page.getByLabel(/^petId/).fill("1");
    await page.getByRole("button", { name: "Call this tool" }).click();
    await page.locator("#refusal").waitFor();
    expect(await page.locator("#refusal").textContent()).toContain(`Policy ${policyId}`);
    expect(pets.seen.length).toBe(before);
    const runHref = (await page.locator("#run-link").getAttribute("href")) ?? "";
    expect(((await v1(page, "GET", `/v1${runHref}`)).body.run as { status: string }).status).toBe("rejected");

    // Deleting the policy (confirmed) gives the tool its default back.
    await page.goto("/policies?source=pets");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: `Delete policy ${policyId}` }).click();
    await page.waitForURL(/deleted=/);
    expect(await row("getPet").getAttribute("data-outcome")).toBe("admit");
  });

  it("deletes a toolkit after asking, and never shows the connection's secret on any page", async () => {
    await page.goto("/toolkits/org/pets-read");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete toolkit" }).click();
    await page.waitForURL(/\/toolkits\?deleted=pets-read/);
    expect(await page.locator('tr[data-toolkit="pets-read"]').count()).toBe(0);
    for (const path of ["/tools", `/tools/view?address=${encodeURIComponent(address("listPets"))}`, "/toolkits/new", "/policies?source=pets"]) {
      await page.goto(path);
      expect(await page.content(), path).not.toContain(SECRET);
    }
    expect(csp).toEqual([]);
  });
});
