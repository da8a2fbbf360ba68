import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { latestMail, linkToken } from "./mailbox";

export const PASSWORD = "correct horse battery staple";

/** A person signed up and signed in, in a fresh Chromium context (the verification link followed). */
export async function signedInPage(browser: Browser, base: string, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto("/signup");
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.locator("#check-email").waitFor();
  const token = linkToken(await latestMail(base, email.toLowerCase(), /Confirm your email/), "verify");
  await page.goto(`/verify/${token}`);
  await page.locator("#confirm").click();
  await page.waitForURL(`${base}/connect`);
  return { context, page };
}

/** axe-core's WCAG 2.1 A/AA violations on the page as it is now (empty = none found). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(" ")})`);
}

/** Messages the browser printed about the Content-Security-Policy (a violation means inline code). */
export function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}
