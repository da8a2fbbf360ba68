import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium";
import { accessibilityViolations, cspViolations, signedInPage } from "./dashboard";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";

const SHOUT = `import { defineTool } from "executor";
export default defineTool({
  name: "shout", description: "Upper-cases a text.", sideEffect: "read",
  input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  handler: async ({ text }) => ({ text: text.toUpperCase() }),
});
`;

// The Artifacts page in Chromium: a person checks a tool file (nothing written), deploys it, sees it
// live in the history with its files, changes it, rolls back from the page, and a file that does not
// compile is refused with its line, leaving the history as it was.
describe("the Artifacts page in Chromium", () => {
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

  it("checks, deploys, shows history and files, refuses a broken file, and rolls back", async () => {
    const { context, page } = await signedInPage(browser, platform.baseUrl, "artifacts-page@example.com");
    const csp = cspViolations(page);
    page.on("dialog", (d) => void d.accept());
    await page.goto("/artifacts");
    await page.locator("#no-history").waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.locator("#path").fill("tools/shout.ts");
    await page.locator("#text").fill(SHOUT);
    await page.getByRole("button", { name: "Check or deploy" }).click();
    await page.locator("#deploy-record").waitFor();
    expect(await page.locator("#record-title").textContent()).toBe("Check: nothing was written");
    expect(await page.locator("#deploy-record").textContent()).toContain("Tools added: shout");
    expect(await page.locator("#no-history").count()).toBe(1);

    await page.getByLabel("Check only").uncheck();
    await page.getByRole("button", { name: "Check or deploy" }).click();
    await page.locator("#history").waitFor();
    expect(await page.locator("#history tbody tr").count()).toBe(1);
    expect(await page.locator("#history tbody tr").first().textContent()).toContain("live");
    expect(await page.getByRole("link", { name: "shout" }).count()).toBe(1);

    await page.locator("#path").fill("tools/shout.ts");
    await page.locator("#text").fill(SHOUT.replace("toUpperCase()", "toUpperCase() + '!'"));
    await page.getByLabel("Check only").uncheck();
    await page.getByRole("button", { name: "Check or deploy" }).click();
    await page.locator("#deploy-record").waitFor();
    expect(await page.locator("#deploy-record").textContent()).toContain("changed: shout");

    await page.locator("#path").fill("tools/broken.ts");
    await page.locator("#text").fill("export default {\n  name: 'broken',,\n};\n");
    await page.getByLabel("Check only").uncheck();
    await page.getByRole("button", { name: "Check or deploy" }).click();
    await page.locator(".error, [role=alert]").first().waitFor();
    expect(await page.content()).toContain("tools/broken.ts:2:");
    expect(await page.locator("#history tbody tr").count()).toBe(2);

    const first = await page.locator("#history tbody tr").nth(1).getAttribute("data-commit");
    await page.locator(`#history tr[data-commit="${first}"]`).getByRole("button", { name: "Roll back to this" }).click();
    await page.locator("#history tbody tr").nth(2).waitFor();
    expect(await page.locator("#history tbody tr").first().textContent()).toContain(`restores ${first?.slice(0, 12)}`);

    await page.locator("#history tbody tr").first().getByRole("link").click();
    expect(await page.locator("pre").first().textContent()).toBe(SHOUT);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(csp).toEqual([]);
    await context.close();
  });
});
