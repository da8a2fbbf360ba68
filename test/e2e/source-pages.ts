import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { PASSWORD, accessibilityViolations } from "./dashboard";

// What the Sources and Connections page tests share: the pet store added through the page, the HTML a
// page received (to prove a secret never was in it), and screenshots.

// Gitignored; CI keeps whatever lands here (screenshots of the pages as the tests leave them).
const RESULTS = resolve(import.meta.dirname, "../../test-results");

let counter = 0;
export function freshEmail(what: string): string {
  counter += 1;
  return `sources-${what}-${Date.now()}-${counter}@example.com`;
}

/** Adds a local (loopback) source through the Sources page's URL form, optionally with a first connection `work`. */
export async function addSourceByUrl(page: Page, source: { kind: "openapi" | "graphql" | "mcp"; url: string; slug: string; secret?: string }): Promise<void> {
  await page.goto("/sources");
  await page.locator("#url-kind").selectOption(source.kind);
  await page.locator("#url-url").fill(source.url);
  await page.locator("#url-slug").fill(source.slug);
  await page.locator("#url-local").check();
  if (source.secret !== undefined) {
    await page.locator("#add-url").locator("..").getByText("Add a first connection (optional)").click();
    await page.locator("#url-connection").fill("work");
    await page.locator("#url-secret").fill(source.secret);
  }
  await page.getByRole("button", { name: "Add source" }).click();
  await page.waitForURL(new RegExp(`/sources/${source.slug}\\?scope=org&added=1$`));
}

/** The pet store, added through the URL form. */
export async function addPetstoreByUrl(page: Page, petstoreUrl: string, secret?: string): Promise<void> {
  await addSourceByUrl(page, { kind: "openapi", url: `${petstoreUrl}/openapi.json`, slug: "petstore", ...(secret === undefined ? {} : { secret }) });
}

/** Every HTML response the page receives, for asserting what a page never contained. */
export function htmlResponses(page: Page): { bodies: string[]; settled: () => Promise<void> } {
  const bodies: string[] = [];
  const pending: Array<Promise<void>> = [];
  page.on("response", (res) => {
    if (!(res.headers()["content-type"] ?? "").startsWith("text/html")) return;
    pending.push(res.text().then((t) => void bodies.push(t), () => undefined));
  });
  return { bodies, settled: async () => void (await Promise.all(pending)) };
}

export async function expectAccessible(page: Page, what: string): Promise<void> {
  expect(await accessibilityViolations(page), what).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: resolve(RESULTS, `dashboard-${name}.png`), fullPage: true });
}

export async function csrfOf(page: Page): Promise<string> {
  return (await page.locator('meta[name="csrf-token"]').getAttribute("content")) ?? "";
}

/** Logs an (invited) person in through the log-in page, landing on `next`. */
export async function logIn(browser: Browser, base: string, email: string, next: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(`${base}${next}`);
  return { context, page };
}
