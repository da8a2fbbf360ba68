import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Account } from "./api";
import { client, signUpWithKey } from "./api";
import { launchChromium } from "./chromium";
import { PASSWORD, accessibilityViolations, cspViolations } from "./dashboard";
import { signUpFromInvitation } from "./mailbox";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import type { Petstore } from "./upstreams/petstore";
import { startPetstore } from "./upstreams/petstore";

type Run = { id: string; status: string; inputHash: string; evidenceHash: string; prevHash: string | null; admission: { reason: { message: string } } };

const SECRET = "canary-runs-page-71c4";
// Gitignored; CI keeps whatever lands here.
const RESULTS = resolve(import.meta.dirname, "../../test-results");
/** A pet whose name makes getPet's output larger than a Run keeps inline (256 Ki characters). */
const BIG_NAME = "x".repeat(300_000);

async function logIn(browser: Browser, base: string, email: string): Promise<{ context: BrowserContext; page: Page; csp: string[] }> {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  const csp = cspViolations(page);
  await page.goto("/login?next=/runs");
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(`${base}/runs`);
  return { context, page, csp };
}

/**
 * Moves a signed-in browser into another of the person's orgs (log-in opens the org they own first),
 * the way a page script calls /v1 with the session: the CSRF token from the meta tag.
 */
async function switchOrg(page: Page, orgId: string): Promise<string> {
  const csrf = (await page.locator('meta[name="csrf-token"]').getAttribute("content")) ?? "";
  return page.evaluate(async ([org, token]) => {
    const res = await fetch("/v1/orgs/switch", { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": token }, body: JSON.stringify({ orgId: org }) });
    return `${res.status} ${await res.text()}`;
  }, [orgId, csrf] as const);
}

/** The text of each row's cell in one column of the Runs table. */
async function column(page: Page, index: number): Promise<string[]> {
  return (await page.locator(`#runs tbody tr td:nth-child(${index})`).allTextContents()).map((t) => t.trim());
}

describe("the Runs pages in Chromium", () => {
  let platform: Platform;
  let pets: Petstore;
  let browser: Browser;
  let owner: Account;
  let ownerPage: Page;
  let ownerContext: BrowserContext;
  let ownerCsp: string[];
  const runs: Record<"list" | "failed" | "pending" | "code" | "big", Run> = {} as Record<"list" | "failed" | "pending" | "code" | "big", Run>;
  const transcript: string[] = [];

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    [platform, pets, browser] = await Promise.all([startPlatform(), startPetstore(), launchChromium()]);
    owner = await signUpWithKey(platform.baseUrl, "runs-owner@example.com");
    const api = client(platform.baseUrl, owner.key, transcript);
    const source = await api.post("/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${pets.url}/openapi.json` }, local: true, connection: { name: "work", secret: SECRET } });
    expect(source.status, source.text).toBe(201);
    const call = (tool: string, args: Record<string, unknown>) => api.post("/v1/call", { address: `pets.${owner.orgId}.work.${tool}`, arguments: args });
    const listed = await call("listPets", { limit: 2 });
    expect(listed.status, listed.text).toBe(200);
    runs.list = listed.body.run as Run;
    const failed = await call("getPet", { petId: 99 });
    expect(failed.status, failed.text).toBe(502);
    runs.failed = (await api.get(`/v1/runs/${String(failed.body.runId)}`)).body.run as Run;
    // DELETE is destructive: approval by default.
    const pending = await call("deletePet", { petId: 2 });
    expect(pending.status, pending.text).toBe(202);
    runs.pending = pending.body.run as Run;
    const code = await api.post("/v1/code", {
      code: `const list = await tools.pets.work.listPets({ limit: 1 });\nconst one = await tools.pets.work.getPet({ petId: 1 });\nconsole.log("made two calls");\nreturn { n: list.length, name: one.name };`,
    });
    expect(code.status, code.text).toBe(200);
    runs.code = code.body.run as Run;
    pets.pets.set(3, { id: 3, name: BIG_NAME });
    const big = await call("getPet", { petId: 3 });
    expect(big.status, big.text).toBe(200);
    runs.big = big.body.run as Run;
    ({ context: ownerContext, page: ownerPage, csp: ownerCsp } = await logIn(browser, platform.baseUrl, owner.email));
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([platform?.stop(), pets?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  it("lists every Run newest first and filters by status, tool and surface", async () => {
    const page = ownerPage;
    await page.goto("/runs");
    // Seven Runs: four direct calls, the code Run and its two child calls.
    await expect.poll(() => page.locator("#runs tbody tr").count()).toBe(7);
    expect(await column(page, 3)).toEqual([
      `pets.${owner.orgId}.work.getPet`,
      `pets.${owner.orgId}.work.getPet`,
      `pets.${owner.orgId}.work.listPets`,
      `code.${owner.orgId}.sandbox.run_code`,
      `pets.${owner.orgId}.work.deletePet`,
      `pets.${owner.orgId}.work.getPet`,
      `pets.${owner.orgId}.work.listPets`,
    ]);
    expect(await column(page, 5)).toEqual(Array(7).fill(`${owner.email} (${owner.userId})`));

    await page.locator("#f-status").selectOption("succeeded");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/status=succeeded/);
    expect(await column(page, 2)).toEqual(Array(5).fill("succeeded"));

    await page.locator("#f-tool").fill(`pets.${owner.orgId}.work.listPets`);
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/tool=/);
    expect(await column(page, 3)).toEqual(Array(2).fill(`pets.${owner.orgId}.work.listPets`));
    expect(await column(page, 4)).toEqual(["sandbox", "http"]);

    await page.locator("#f-surface").selectOption("sandbox");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/surface=sandbox/);
    expect(await column(page, 4)).toEqual(["sandbox"]);
    // The filters stay in the form they were applied from.
    expect(await page.locator("#f-status").inputValue()).toBe("succeeded");
    expect(await page.locator("#f-tool").inputValue()).toBe(`pets.${owner.orgId}.work.listPets`);

    await page.goto("/runs?status=failed");
    expect(await column(page, 3)).toEqual([`pets.${owner.orgId}.work.getPet`]);
    await page.goto("/runs?from=2020-01-01T00:00&to=2020-01-02T00:00");
    await expect.poll(() => page.locator("#empty").textContent()).toContain("No Runs match");
    const bad = await page.goto("/runs?from=yesterday");
    expect(bad?.status()).toBe(422);
    expect(await page.getByRole("alert").textContent()).toContain("from");
    await page.goto("/runs");
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: resolve(RESULTS, "runs.png"), fullPage: true });
  });

  it("shows a Run's admission reason, hashes, arguments and output, and opens it from the list", async () => {
    const page = ownerPage;
    await page.goto("/runs?status=succeeded&tool=" + encodeURIComponent(`pets.${owner.orgId}.work.listPets`) + "&surface=http");
    await page.locator("#runs tbody tr a").first().click();
    await page.waitForURL(`${platform.baseUrl}/runs/${runs.list.id}`);
    expect(await page.locator("#admission-reason").textContent()).toContain(runs.list.admission.reason.message);
    expect((await page.locator("#input-hash").textContent())?.trim()).toBe(runs.list.inputHash);
    expect((await page.locator("#evidence-hash").textContent())?.trim()).toBe(runs.list.evidenceHash);
    expect((await page.locator("#prev-hash").textContent())?.trim()).toBe(runs.list.prevHash);
    expect(JSON.parse((await page.locator("#arguments").textContent()) ?? "")).toEqual({ limit: 2 });
    expect(JSON.parse((await page.locator("#output").textContent()) ?? "")).toEqual([
      { id: 1, name: "Rex" },
      { id: 2, name: "Tom" },
    ]);
    expect(await page.locator("#status").textContent()).toBe("succeeded");
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.goto(`/runs/${runs.failed.id}`);
    expect(await page.locator("#run-error").textContent()).toContain("upstream");
    // The connection's secret is never on any Runs page.
    expect(await page.content()).not.toContain(SECRET);
  });

  it("shows a code Run's code, logs and sandbox class, with its two child Runs linked both ways", async () => {
    const page = ownerPage;
    await page.goto(`/runs/${runs.code.id}`);
    expect(await page.locator("#arguments").textContent()).toContain("tools.pets.work.getPet");
    expect(await page.locator("#logs").textContent()).toContain("made two calls");
    expect(await page.locator("main").textContent()).toContain("dynamic-worker");
    const children = page.locator("#children tbody tr");
    await expect.poll(() => children.count()).toBe(2);
    expect((await page.locator("#children td:nth-child(3)").allTextContents()).sort()).toEqual([`pets.${owner.orgId}.work.getPet`, `pets.${owner.orgId}.work.listPets`]);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: resolve(RESULTS, "run-code.png"), fullPage: true });
    await children.first().getByRole("link").click();
    await page.waitForURL(/\/runs\/run_/);
    expect(page.url()).not.toContain(runs.code.id);
    expect(await page.locator("main").textContent()).toContain("sandbox");
    await page.locator("#parent").click();
    await page.waitForURL(`${platform.baseUrl}/runs/${runs.code.id}`);
  });

  it("reads an output kept as a handle in pages through the ledger", async () => {
    const page = ownerPage;
    await page.goto(`/runs/${runs.big.id}`);
    expect(await page.locator("#output-handle").textContent()).toMatch(/\d{3},\d{3} bytes/);
    await page.locator("#read-output").click();
    await page.waitForURL(/\/output$/);
    const total = JSON.stringify({ id: 3, name: BIG_NAME }).length;
    expect(await page.locator("#output-range").textContent()).toContain(`of ${total.toLocaleString("en")}`);
    const first = (await page.locator("#output-text").textContent()) ?? "";
    expect(first.startsWith('{"id":3,"name":"xxx')).toBe(true);
    expect(first.length).toBe(64 * 1024);
    expect(await accessibilityViolations(page)).toEqual([]);
    let read = first;
    while ((await page.locator("#next-part").count()) > 0) {
      await page.locator("#next-part").click();
      await page.waitForURL(/offset=\d+/);
      read += (await page.locator("#output-text").textContent()) ?? "";
    }
    expect(read).toBe(JSON.stringify({ id: 3, name: BIG_NAME }));
  });

  it("approves a pending Run from its page: the call runs once and the approval is recorded", async () => {
    const page = ownerPage;
    const deletes = (): number => pets.seen.filter((s) => s.method === "DELETE").length;
    await page.goto(`/runs/${runs.pending.id}`);
    expect(await page.locator("#status").textContent()).toBe("pending_approval");
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(deletes()).toBe(0);
    await page.locator("#comment").fill("checked the pet id");
    await page.getByRole("button", { name: "Approve and run" }).click();
    await page.waitForURL(/decided=approve/);
    await expect.poll(() => page.locator("#status").textContent()).toBe("succeeded");
    expect(deletes()).toBe(1);
    expect(await page.locator("#approvals tbody").textContent()).toContain("checked the pet id");
    expect(await page.getByRole("button", { name: "Approve and run" }).count()).toBe(0);
  });

  it("verifies the chain and shows it intact", async () => {
    const page = ownerPage;
    await page.goto("/runs");
    await page.locator("#verify").click();
    await page.waitForURL(/\/runs\/verify/);
    expect(await page.locator("#verdict").textContent()).toContain("The chain is intact");
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it("shows a member only their own Runs: the owner's Run is a 404 page, a call waiting for them is decidable", async () => {
    const email = "runs-member@members.example";
    const invited = await client(platform.baseUrl, owner.key).post("/v1/org/members", { email });
    expect(invited.status, invited.text).toBe(201);
    expect((await signUpFromInvitation(platform.baseUrl, email, PASSWORD)).status).toBe(201);
    const pending = await client(platform.baseUrl, owner.key).post("/v1/call", { address: `pets.${owner.orgId}.work.deletePet`, arguments: { petId: 1 } });
    expect(pending.status, pending.text).toBe(202);
    const { context, page, csp } = await logIn(browser, platform.baseUrl, email);
    expect(await switchOrg(page, owner.orgId)).toMatch(/^200 .*"role":"member"/);
    await page.goto("/runs");
    await expect.poll(() => page.locator("#empty").textContent()).toContain("No Runs yet");
    expect(await page.locator("#f-principal").count()).toBe(0);
    // Asking for the owner's Runs by name changes nothing: the same rule as GET /v1/runs.
    await page.goto(`/runs?principal=${owner.userId}`);
    expect(await page.locator("#runs").count()).toBe(0);
    for (const id of [runs.list.id, runs.code.id]) {
      const res = await page.goto(`/runs/${id}`);
      expect(res?.status()).toBe(404);
      expect(await page.locator("#not-found").textContent()).toContain("no Run with this id that you may see");
      expect(await page.content()).not.toContain(owner.email);
    }
    const output = await page.goto(`/runs/${runs.big.id}/output`);
    expect(output?.status()).toBe(404);
    expect(await page.content()).not.toContain("xxxxxxxx");
    expect(await accessibilityViolations(page)).toEqual([]);
    // While it waits, a member of the deciding scope may see and decide it (canSeeRun).
    await page.goto(`/runs/${String((pending.body.run as Run).id)}`);
    expect(await page.getByRole("button", { name: "Deny" }).count()).toBe(1);
    expect(csp).toEqual([]);
    await context.close();
  });

  it("raised no Content-Security-Policy violation on any page the owner opened", async () => {
    expect(ownerCsp).toEqual([]);
    await ownerContext.close();
    expect(transcript.join("\n")).not.toContain(SECRET);
  });
});
