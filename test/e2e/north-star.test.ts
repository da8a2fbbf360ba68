import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client } from "./api";
import { launchChromium } from "./chromium";
import { accessibilityViolations, cspViolations, signedInPage } from "./dashboard";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import { startGithub } from "./upstreams/github-issues";
import type { GithubStandIn } from "./upstreams/github-issues";
import { loadIssuesWorkflow } from "./workflow-fixtures";

// The first north star: "every morning at 9am, load my GitHub issues into SQLite". A scheduled
// workflow writes a store; a page shows it live; an agent reads the same store over MCP, through
// execute and run_code. One substrate, three readers, each a governed, recorded call.
describe("the 9am scenario: a workflow, a live page and an agent over one store", () => {
  const TOKEN = "ghp_canary_northstar_51ac";
  let platform: Platform;
  let github: GithubStandIn;
  let browser: Browser;
  let page: Page;
  let key = "";
  let org = "";

  beforeAll(async () => {
    [platform, github, browser] = await Promise.all([startPlatform(), startGithub(TOKEN), launchChromium()]);
    const signed = await signedInPage(browser, platform.baseUrl, "north-star@example.com");
    page = signed.page;
    // The person mints a key for their scripts from the signed-in page's session.
    const csrf = (await page.locator("meta[name=csrf-token]").getAttribute("content")) ?? "";
    const minted = await page.request.post("/v1/api-keys", { headers: { "x-csrf-token": csrf }, data: { name: "scripts", capabilities: ["administer", "trigger-register"] } });
    expect(minted.status()).toBe(201);
    key = ((await minted.json()) as { key: string }).key;
    org = ((await client(platform.baseUrl, key).get("/v1/me")).body as { org: { id: string } }).org.id;
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([platform?.stop(), github?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  const tick = async (at: number): Promise<string[]> => (await client(platform.baseUrl, key).post("/dev/workflows/tick", { scope: org, now: new Date(at).toISOString() })).body.started as string[];
  async function complete(instanceId: string): Promise<void> {
    const api = client(platform.baseUrl, key);
    await expect.poll(async () => (await api.get(`/v1/workflows/${org}/load-issues/runs/${instanceId}`)).body.status, { timeout: 60_000, interval: 250 }).toBe("complete");
  }

  it("loads the issues at 09:00, shows them on a page that updates live, and serves the same rows to an MCP agent", async () => {
    const api = client(platform.baseUrl, key);
    expect((await api.post("/v1/sources", { slug: "github", kind: "openapi", config: { url: `${github.url}/openapi.json` }, local: true, connection: { name: "work", secret: TOKEN } })).status).toBe(201);
    const deployed = await api.post("/v1/artifacts/deploy", { files: { "executor/workflows/load-issues.yaml": loadIssuesWorkflow(org) } });
    expect(deployed.status).toBe(201);
    const nine = Date.parse(((await api.get(`/v1/workflows/${org}/load-issues`)).body.workflow as { nextRunAt: string }).nextRunAt);
    expect(new Date(nine).getUTCHours()).toBe(9);

    // Day one, 09:00.
    const [first] = await tick(nine);
    await complete(first ?? "");

    // The page: the rows, then live.
    const csp = cspViolations(page);
    await page.goto(`/stores/${org}/issues`);
    await expect.poll(() => page.locator("#rows").getAttribute("data-rows")).toBe("2");
    await expect.poll(() => page.locator("#live-status").getAttribute("data-state")).toBe("live");
    expect(await page.locator("#rows").textContent()).toContain("Crash on start");
    expect(await accessibilityViolations(page)).toEqual([]);

    // Overnight a new issue is opened; day two, 09:00, the workflow runs again and the page follows.
    github.issues.push({ number: 5, title: "Opened overnight", state: "open" });
    const [second] = await tick(nine + 86_400_000);
    await complete(second ?? "");
    await expect.poll(() => page.locator("#rows").getAttribute("data-rows"), { timeout: 10_000 }).toBe("3");
    expect(await page.locator("#rows").textContent()).toContain("Opened overnight");
    expect(csp).toEqual([]);

    // The agent: the same store through execute, and through run_code.
    const mcp = new Client({ name: "north-star-agent", version: "1.0.0" });
    await mcp.connect(new StreamableHTTPClientTransport(new URL("/mcp", platform.baseUrl), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    const executed = await mcp.callTool({ name: "execute", arguments: { address: `store.${org}.issues.query`, arguments: { sql: "SELECT number, title FROM issues ORDER BY number" } } });
    expect(executed.isError).not.toBe(true);
    expect(JSON.stringify(executed.structuredContent ?? executed.content)).toContain("Opened overnight");
    const code = `const r = await tools.call("store.${org}.issues.query", { sql: "SELECT count(*) AS n FROM issues WHERE state = 'open'" }); return r.rows[0].n;`;
    const ran = await mcp.callTool({ name: "run_code", arguments: { code } });
    expect(ran.isError).not.toBe(true);
    expect(JSON.stringify(ran.structuredContent ?? ran.content)).toMatch(/\b3\b/);
    await mcp.close();

    // Every reader's access was a Run, and the upstream's token appears in none of them.
    const runs = ((await api.get("/v1/runs?limit=200")).body.runs as Array<{ address: string; surface: string }>).filter((r) => r.address === `store.${org}.issues.query`);
    expect(runs.some((r) => r.surface === "web")).toBe(true);
    expect(runs.some((r) => r.surface === "mcp")).toBe(true);
    expect(runs.some((r) => r.surface === "sandbox")).toBe(true);
    expect(JSON.stringify((await api.get("/v1/runs?limit=200")).body)).not.toContain(TOKEN);
  });
});
