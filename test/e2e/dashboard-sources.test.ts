import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium";
import { cspViolations, signedInPage } from "./dashboard";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import type { Petstore } from "./upstreams/petstore";
import { startPetstore } from "./upstreams/petstore";
import { addPetstoreByUrl, addSourceByUrl, expectAccessible, freshEmail, screenshot } from "./source-pages";
import { startGraphqlApi } from "./upstreams/graphql-api";
import { startMcpUpstream } from "./upstreams/mcp-server";

type Paths = Record<string, Record<string, Record<string, unknown>>>;
type SourceReview = { toolCount: number; awaitingReview: string[]; changed: string[]; moved: string[] };

/** A generated OpenAPI description of a few MB: many operations, each with a long description. */
function generatedSpec(operations: number): string {
  const paragraph = "Returns the widgets of one warehouse, in the order they were stocked. ".repeat(90);
  const paths: Paths = {};
  for (let i = 0; i < operations; i++) {
    paths[`/warehouses/${i}/widgets`] = {
      get: { operationId: `listWidgets${i}`, summary: `List widgets of warehouse ${i}`, description: `${i}: ${paragraph}`, responses: { "200": { description: "ok" } } },
    };
  }
  return JSON.stringify({ openapi: "3.0.3", info: { title: "Widgets", version: "1.0.0" }, servers: [{ url: "https://widgets.example.com" }], paths }, null, 1);
}

// The Sources pages as a person uses them: adding by URL (with and without JavaScript) and by upload
// with a progress bar, refreshing into a review diff and granting from it, removing after a
// confirmation; each page free of axe-core WCAG A/AA violations and CSP reports.
describe("the Sources pages in Chromium", () => {
  let platform: Platform;
  let browser: Browser;
  let petstore: Petstore;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    [platform, browser, petstore] = await Promise.all([startPlatform(), launchChromium(), startPetstore()]);
  });

  afterEach(async () => {
    delete petstore.specPatch;
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

  it("adds the pet store by URL, lists its tools granted, and counts them on the Sources page", async () => {
    const page = await signIn("url");
    const csp = cspViolations(page);
    await page.goto("/sources");
    await expect.poll(() => page.locator("#no-sources").count()).toBe(1);
    // The built-in executor source is there from the start, apart from the org's own APIs.
    expect(await page.locator("#built-in-source").textContent()).toContain("executor");
    await expectAccessible(page, "/sources (empty)");

    await addPetstoreByUrl(page, petstore.url);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Pet Store");
    await expect.poll(() => page.locator("#tools tbody tr").count()).toBe(6);
    expect(await page.locator('#tools tr[data-status="granted"]').count()).toBe(6);
    expect(await page.locator("#tools").getByRole("button").count()).toBe(0);
    expect(await page.locator('#tools tr[data-tool="listPets"]').textContent()).toContain(`GET ${petstore.url}/pets`);
    await expectAccessible(page, "/sources/petstore");

    await page.getByRole("link", { name: "Sources" }).first().click();
    const row = page.locator('tr[data-source="petstore"]');
    await expect.poll(() => row.locator('[data-count="tools"]').textContent()).toBe("6");
    expect(await row.locator('[data-count="awaiting"]').textContent()).toBe("0");
    await expectAccessible(page, "/sources (one source)");
    await screenshot(page, "sources");
    expect(csp).toEqual([]);
  });

  it("uploads a generated multi-megabyte OpenAPI file with the progress element reaching its max", async () => {
    const page = await signIn("upload");
    const csp = cspViolations(page);
    const spec = generatedSpec(500);
    expect(spec.length).toBeGreaterThan(3 * 1024 * 1024);
    await page.goto("/sources");
    await expect.poll(() => page.locator("#upload-form").isVisible()).toBe(true);
    // The progress element's attributes, kept in sessionStorage so they survive the navigation that follows the upload.
    await page.evaluate(`{
      const bar = document.getElementById("upload-progress");
      new MutationObserver(() => sessionStorage.setItem("progress", JSON.stringify({ value: bar.value, max: bar.max }))).observe(bar, { attributes: true });
    }`);
    await page.locator("#upload-file").setInputFiles({ name: "Widgets.json", mimeType: "application/json", buffer: Buffer.from(spec) });
    // The short name is suggested from the file name.
    await expect.poll(() => page.locator("#upload-slug").inputValue()).toBe("widgets");
    await page.getByRole("button", { name: "Upload and add" }).click();
    await page.waitForURL(/\/sources\/widgets\?scope=org&added=1$/, { timeout: 60_000 });

    const progress = JSON.parse((await page.evaluate<string | null>('sessionStorage.getItem("progress")')) ?? "{}") as { value: number; max: number };
    // The JSON body is larger than the document (it is escaped inside it), and the bar reached all of it.
    expect(progress.max).toBeGreaterThan(spec.length);
    expect(progress.value).toBe(progress.max);
    await expect.poll(() => page.locator("#tool-count").textContent()).toContain("500");
    expect(await page.locator("#source-facts").textContent()).toContain("uploaded document");
    expect(csp).toEqual([]);
  });

  it("shows a refused upload's reason in the page and adds nothing", async () => {
    const page = await signIn("bad-upload");
    await page.goto("/sources");
    await page.locator("#upload-file").setInputFiles({ name: "broken.yaml", mimeType: "application/yaml", buffer: Buffer.from("openapi: [not valid") });
    await page.getByRole("button", { name: "Upload and add" }).click();
    await expect.poll(() => page.locator("#upload-error").textContent()).not.toBe("");
    expect(await page.locator("#upload-error").getAttribute("class")).toBe("error");
    expect(await page.getByRole("button", { name: "Upload and add" }).isEnabled()).toBe(true);
    await page.reload();
    expect(await page.locator("#no-sources").count()).toBe(1);
    await expectAccessible(page, "/sources after a refused upload");
  });

  it("refreshes after the upstream's description changed and grants a new tool from the review diff", async () => {
    const page = await signIn("refresh");
    const csp = cspViolations(page);
    await addPetstoreByUrl(page, petstore.url);
    // A new release: one operation added, one reworded, and the single-pet paths moved elsewhere.
    petstore.specPatch = (spec) => {
      const paths = (spec as { paths: Paths }).paths;
      paths["/pets/count"] = { get: { operationId: "countPets", summary: "Count pets", responses: { "200": { description: "ok" } } } };
      const list = paths["/pets"]?.get;
      if (list) list.summary = "List every pet in the store";
      const one = paths["/pets/{petId}"];
      if (one) paths["/animals/{petId}"] = one;
      delete paths["/pets/{petId}"];
    };
    await page.getByRole("button", { name: "Refresh from the upstream" }).click();
    const report = page.locator("#refresh-report");
    await report.waitFor();
    expect(await report.locator("#report-added + p + ul li").allTextContents()).toEqual([expect.stringContaining("countPets")]);
    expect((await report.locator("#report-moved + p + ul code").allTextContents()).filter((t) => !t.includes("/")).sort()).toEqual(["deletePet", "getPet"]);
    expect(await report.locator("#report-changed + p + ul li").allTextContents()).toEqual([expect.stringContaining("listPets")]);
    // Added and moved tools are ungranted; the changed one keeps its grant, flagged.
    expect(await page.locator('#tools tr[data-tool="countPets"]').getAttribute("data-status")).toBe("awaiting_review");
    expect(await page.locator('#tools tr[data-tool="getPet"] .status').textContent()).toContain(`moved (granted for GET ${petstore.url}/pets/{petId})`);
    expect(await page.locator('#tools tr[data-tool="listPets"] .status').textContent()).toBe("granted; definition changed since");
    await expectAccessible(page, "refresh report");
    await screenshot(page, "source-refresh");

    await report.getByRole("button", { name: "Grant countPets" }).click();
    await page.waitForURL(/granted=countPets/);
    await expect.poll(() => page.locator('#tools tr[data-tool="countPets"]').getAttribute("data-status")).toBe("granted");
    expect(await page.locator(".notice").textContent()).toBe("Granted countPets.");
    // The page's grant is the API's: the review state /v1 reports agrees.
    const review = (await (await page.request.get("/v1/sources/petstore?scope=org")).json()) as SourceReview;
    expect(review.awaitingReview.sort()).toEqual(["deletePet", "getPet"]);
    expect(review.moved.sort()).toEqual(["deletePet", "getPet"]);
    // A moved tool's definition changed too (its path did), so `changed` includes it.
    expect(review.changed.sort()).toEqual(["deletePet", "getPet", "listPets"]);

    await page.goto("/sources");
    const row = page.locator('tr[data-source="petstore"]');
    expect(await row.locator('[data-count="awaiting"]').textContent()).toBe("2");
    expect(await row.locator('[data-count="moved"]').textContent()).toBe("2");
    expect(await row.locator('[data-count="changed"]').textContent()).toBe("3");
    expect(csp).toEqual([]);
  });

  it("adds a GraphQL endpoint and an MCP server by URL, discovering their tools with the first connection's secret", async () => {
    const page = await signIn("kinds");
    const [gql, mcp] = await Promise.all([startGraphqlApi("gql-token-kinds"), startMcpUpstream("mcp-token-kinds")]);
    try {
      await addSourceByUrl(page, { kind: "graphql", url: gql.url, slug: "gh", secret: "gql-token-kinds" });
      expect(await page.locator('#tools tr[data-tool="query_viewer"]').count()).toBe(1);
      expect(await page.locator("#source-facts").textContent()).toContain(gql.url);
      await addSourceByUrl(page, { kind: "mcp", url: mcp.url, slug: "notes", secret: "mcp-token-kinds" });
      expect((await page.locator("#tools tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-tool")))).sort()).toEqual(["add", "wipe_notes"]);
      expect(mcp.authorizations.length).toBeGreaterThan(0);
      expect(mcp.authorizations.every((a) => a === "Bearer mcp-token-kinds")).toBe(true);
      await page.goto("/sources");
      expect(await page.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-source")))).toEqual(["gh", "notes"]);
    } finally {
      await Promise.all([gql.close(), mcp.close()]);
    }
  });

  it("keeps a first connection's secret out of the page that refuses the import", async () => {
    const page = await signIn("refused");
    const secret = `never-shown-${Date.now()}`;
    await page.goto("/sources");
    await page.locator("#url-url").fill(`${petstore.url}/openapi.json`);
    await page.locator("#url-slug").fill("petstore");
    await page.locator("#add-url").locator("..").getByText("Add a first connection (optional)").click();
    await page.locator("#url-connection").fill("work");
    await page.locator("#url-secret").fill(secret);
    // Not marked local: the egress guard refuses loopback, and the page says so.
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: "Add source" }).click()]);
    expect(response.status()).toBe(422);
    await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("egress guard");
    expect(await response.text()).not.toContain(secret);
    expect(await page.content()).not.toContain(secret);
    expect(await page.locator("#url-secret").inputValue()).toBe("");
    expect(await page.locator("#url-url").inputValue()).toBe(`${petstore.url}/openapi.json`);
    expect(await page.locator("#url-connection").inputValue()).toBe("work");
    await expectAccessible(page, "/sources with an error");
  });

  it("adds a source by URL with JavaScript disabled, where the upload form stays hidden", async () => {
    const page = await signIn("no-js");
    const cookies = await page.context().cookies();
    const plain = await browser.newContext({ baseURL: platform.baseUrl, javaScriptEnabled: false });
    try {
      await plain.addCookies(cookies);
      const noJs = await plain.newPage();
      await noJs.goto("/sources");
      expect(await noJs.locator("#upload-form").isVisible()).toBe(false);
      expect(await noJs.locator("main").textContent()).toContain("Uploading a document needs JavaScript");
      await noJs.locator("#url-url").fill(`${petstore.url}/openapi.json`);
      await noJs.locator("#url-slug").fill("pets-nojs");
      await noJs.locator("#url-local").check();
      await noJs.getByRole("button", { name: "Add source" }).click();
      await noJs.waitForURL(/\/sources\/pets-nojs\?scope=org&added=1$/);
      expect(await noJs.locator("#tools tbody tr").count()).toBe(6);
    } finally {
      await plain.close();
    }
  });

  it("removes a source only after the confirmation is accepted", async () => {
    const page = await signIn("remove");
    await addPetstoreByUrl(page, petstore.url);
    page.once("dialog", (d) => void d.dismiss());
    await page.getByRole("button", { name: "Remove source" }).click();
    await page.waitForTimeout(200);
    expect(page.url()).toContain("/sources/petstore");
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Remove source" }).click();
    await page.waitForURL(/\/sources\?removed=petstore$/);
    expect(await page.locator(".notice").textContent()).toContain("Removed the source petstore");
    expect(await page.locator("#no-sources").count()).toBe(1);
    const gone = await page.goto("/sources/petstore?scope=org");
    expect(gone?.status()).toBe(404);
    await expectAccessible(page, "a removed source");
  });

  it("uploads GitHub's 12 MB REST description through the page", async () => {
    const page = await signIn("github");
    const path = createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
    const github = readFileSync(path);
    expect(github.length).toBeGreaterThan(12 * 1024 * 1024);
    await page.goto("/sources");
    await page.locator("#upload-file").setInputFiles({ name: "api.github.com.json", mimeType: "application/json", buffer: github });
    await page.locator("#upload-slug").fill("github");
    await page.getByRole("button", { name: "Upload and add" }).click();
    await page.waitForURL(/\/sources\/github\?scope=org&added=1$/, { timeout: 110_000 });
    expect(Number(((await page.locator("#tool-count").textContent()) ?? "").split(",")[0])).toBeGreaterThan(1000);
  }, 180_000);
});
