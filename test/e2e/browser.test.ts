import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signUpInBrowser } from "./browserless";
import { launchChromium } from "./chromium";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";

const SESSION_COOKIE = "__Host-executor_session";
const PASSWORD = "correct horse battery staple";
// Gitignored; CI keeps whatever lands here.
const RESULTS = resolve(import.meta.dirname, "../../test-results");

let counter = 0;
function freshEmail(): string {
  counter += 1;
  return `browser-${Date.now()}-${counter}@example.com`;
}

async function getMe(baseUrl: string, key: string): Promise<Response> {
  return fetch(`${baseUrl}/v1/me`, {
    headers: { authorization: `Bearer ${key}` },
    signal: AbortSignal.timeout(20_000),
  });
}

describe("the web pages in a real Chromium", () => {
  let platform: Platform;
  let browser: Browser | undefined;
  let noBrowser: unknown;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    // Chromium first: when it is missing there is no point starting the platform. The error is
    // kept and thrown by every test (below), so each one FAILS with the install hint; a throw here
    // would leave the tests reported as skipped.
    try {
      browser = await launchChromium();
    } catch (error) {
      noBrowser = error;
      return;
    }
    platform = await startPlatform();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    if (platform) removeDataDir(platform.dataDir);
  });

  beforeEach(async () => {
    if (!browser) throw noBrowser;
    context = await browser.newContext({ baseURL: platform.baseUrl });
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  it("signs up, shows the MCP URL, creates an API key shown once, revokes it and logs out", async () => {
    const { baseUrl } = platform;
    const email = freshEmail();

    // Sign up through the form: nothing is created until the mailed link is opened.
    await page.goto("/signup");
    await page.locator("#email").fill(email);
    await page.locator("#password").fill(PASSWORD);
    await page.locator("#orgName").fill("Browser Test Org");
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect.poll(() => page.locator("#check-email").textContent()).toContain(email);

    // Open the message in the development mailbox, follow its link, and confirm → /connect.
    await page.goto(`/dev/mailbox?to=${encodeURIComponent(email)}`);
    await page.getByRole("link", { name: "Confirm your email for Executor" }).click();
    await page.locator("#body a").first().click();
    await page.locator("#confirm").click();
    await page.waitForURL(`${baseUrl}/connect`);

    // Landing on /connect signed in proves Chromium kept the `__Host-` session cookie (Secure) on
    // http://127.0.0.1: loopback is a potentially trustworthy origin (W3C Secure Contexts §3.1).
    const session = (await context.cookies(baseUrl)).find((c) => c.name === SESSION_COOKIE);
    expect(session, `no ${SESSION_COOKIE} cookie in Chromium after sign-up`).toBeDefined();
    expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: "Lax", path: "/" });
    // HttpOnly: page script cannot read it.
    expect(await page.evaluate("document.cookie")).not.toContain(SESSION_COOKIE);

    await expect.poll(() => page.locator("#mcp-url").textContent()).toBe(`${baseUrl}/mcp`);
    await expect.poll(() => page.locator("main").textContent()).toContain(email);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: resolve(RESULTS, "connect.png"), fullPage: true });

    // API keys page, from the nav.
    await page.locator("nav").getByRole("link", { name: "API keys", exact: true }).click();
    await page.waitForURL(`${baseUrl}/api-keys`);
    await page.locator("#name").fill("backend");
    await page.locator("#toolkit").selectOption({ label: "Whole scope" });
    await page.getByRole("button", { name: "Create API key" }).click();

    const shown = page.locator("#new-api-key");
    await shown.waitFor();
    const key = ((await shown.textContent()) ?? "").trim();
    expect(key).toMatch(/^exk_[A-Za-z0-9_-]+$/);
    // The list shows everything before the secret's last 28 characters: the prefix, the shard tag, 4 more.
    const prefix = key.slice(0, key.length - 28);

    // Shown once: a reload (the page is a GET after Post/Redirect/Get, so nothing is re-submitted)
    // has no key box and nowhere the full value, and the list still holds exactly one key.
    await page.reload();
    await expect.poll(() => shown.count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    const row = page.locator("tbody tr", { hasText: "backend" });
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.locator("code").textContent()).toBe(`${prefix}…`);
    await expect.poll(() => row.textContent()).toContain("whole scope");

    // The key authenticates the HTTP API as its owner.
    const me = await getMe(baseUrl, key);
    expect(me.status).toBe(200);
    const body = (await me.json()) as { user: { email: string }; principal: { kind: string } };
    expect(body.user.email).toBe(email);

    // Revoke in the UI; the row says so and the key stops working.
    await row.getByRole("button", { name: "Revoke" }).click();
    await page.waitForURL(`${baseUrl}/api-keys`);
    await expect.poll(() => row.textContent()).toContain("revoked");
    await expect.poll(() => row.getByRole("button", { name: "Revoke" }).count()).toBe(0);
    const afterRevoke = await getMe(baseUrl, key);
    expect(afterRevoke.status).toBe(401);

    // Log out from the nav; the session is gone and pages send us to log in.
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(`${baseUrl}/login`);
    expect((await context.cookies(baseUrl)).map((c) => c.name)).not.toContain(SESSION_COOKIE);
    await page.goto("/connect");
    expect(page.url()).toBe(`${baseUrl}/login?next=%2Fconnect`);
    await expect.poll(() => page.locator("#mcp-url").count()).toBe(0);
  });

  it("shows only the generic error for a wrong password or an unknown email, and logs in with the right one", async () => {
    const { baseUrl } = platform;
    const email = freshEmail();
    await signUpInBrowser(baseUrl, email, PASSWORD);

    /** Submits the log-in form and returns the status of the POST. */
    const attempt = async (who: string, password: string): Promise<number> => {
      await page.goto("/login");
      await page.locator("#email").fill(who);
      await page.locator("#password").fill(password);
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login"),
        page.getByRole("button", { name: "Log in" }).click(),
      ]);
      return res.status();
    };

    expect(await attempt(email, "not the right password")).toBeGreaterThanOrEqual(400);
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("email or password is incorrect");
    expect(page.url()).toBe(`${baseUrl}/login`);
    expect((await context.cookies(baseUrl)).map((c) => c.name)).not.toContain(SESSION_COOKIE);

    // An address with no account answers word for word the same (no account enumeration).
    expect(await attempt(freshEmail(), "not the right password")).toBeGreaterThanOrEqual(400);
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("email or password is incorrect");

    // The positive control: the right password signs in.
    expect(await attempt(email, PASSWORD)).toBe(303);
    await page.waitForURL(`${baseUrl}/connect`);
    await expect.poll(() => page.locator("#mcp-url").textContent()).toBe(`${baseUrl}/mcp`);
  });
});
