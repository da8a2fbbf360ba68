import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium";
import { accessibilityViolations, cspViolations, signedInPage } from "./dashboard";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";

// The shell every dashboard page shares: navigation, a CSP without inline code, and pages an
// accessibility engine finds no WCAG A/AA violations in.
describe("the dashboard shell in Chromium", () => {
  let platform: Platform;
  let browser: Browser;

  beforeAll(async () => {
    [platform, browser] = await Promise.all([startPlatform(), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    if (platform) removeDataDir(platform.dataDir);
  });

  it("serves every existing page with the CSP, the shared navigation and no accessibility violations", async () => {
    const { context, page } = await signedInPage(browser, platform.baseUrl, "shell@example.com");
    const csp = cspViolations(page);
    for (const path of ["/connect", "/api-keys", "/members", "/approvals"]) {
      const res = await page.goto(path);
      expect(res?.headers()["content-security-policy"], path).toContain("script-src 'self'");
      expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runs" }).count()).toBe(1);
      expect(await accessibilityViolations(page), path).toEqual([]);
    }
    expect(csp).toEqual([]);
    await context.close();
  });
});
