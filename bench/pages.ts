// Dashboard page latency on a running platform: the Tools page over GitHub's whole REST catalog
// (uploaded, as bench/import-github.ts does) and the Runs page over 10,000 Runs made by real calls
// to a loopback upstream. Each page is loaded with the owner's session; the figures are time to
// first byte and to the last byte (loopback, so both are server time plus a local socket), p50/p99.
import { existsSync, readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { CHROMIUM_PATH, launchChromium } from "../test/e2e/chromium";
import { dirname, join } from "node:path";
import { verifiedSignUp } from "../test/e2e/mailbox";
import { removeDataDir, startPlatform } from "../test/e2e/platform";
import { startPetstore } from "../test/e2e/upstreams/petstore";
import { load, ms, percentile } from "./stats";

const RUNS = Number(process.env.BENCH_PAGE_RUNS ?? 10_000);
const LOADS = Math.max(30, Number(process.env.BENCH_PAGE_LOADS ?? 50));
const PASSWORD = "correct horse battery staple";
const EMAIL = "bench-pages@example.com";

type Session = { cookie: string; csrf: string; key: string; orgId: string };

async function owner(base: string): Promise<Session> {
  const signup = await verifiedSignUp(base, EMAIL, PASSWORD);
  if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status}`);
  const cookie = signup.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const body = (await signup.json()) as { csrfToken: string; org: { id: string } };
  const minted = await fetch(`${base}/v1/api-keys`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, "x-csrf-token": body.csrfToken },
    body: JSON.stringify({ name: "bench", capabilities: ["administer"] }),
  });
  if (minted.status !== 201) throw new Error(`key creation failed: ${minted.status}`);
  return { cookie, csrf: body.csrfToken, key: ((await minted.json()) as { key: string }).key, orgId: body.org.id };
}

async function post(base: string, key: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
}

type Load = { ttfb: number; total: number; server: number | null };

/** One page load: headers (TTFB), the whole body, and the page's own Server-Timing when it sends one. */
async function loadPage(base: string, cookie: string, path: string): Promise<Load> {
  const t0 = performance.now();
  const res = await fetch(`${base}${path}`, { headers: { cookie }, redirect: "manual" });
  const ttfb = performance.now() - t0;
  const text = await res.text();
  const total = performance.now() - t0;
  if (res.status !== 200 || !text.includes("</html>")) throw new Error(`${path} answered ${res.status}`);
  const dur = /dur=(\d+(?:\.\d+)?)/.exec(res.headers.get("server-timing") ?? "")?.[1];
  return { ttfb, total, server: dur === undefined ? null : Number(dur) };
}

async function measure(base: string, cookie: string, label: string, path: string): Promise<void> {
  for (let i = 0; i < 5; i++) await loadPage(base, cookie, path);
  const loads: Load[] = [];
  for (let i = 0; i < LOADS; i++) loads.push(await loadPage(base, cookie, path));
  const p = (xs: number[]): string => `${ms(percentile(xs, 50)).padStart(9)} | ${ms(percentile(xs, 99)).padStart(9)}`;
  const server = loads.flatMap((l) => (l.server === null ? [] : [l.server]));
  console.log(
    `${label.padEnd(34)} | ${p(loads.map((l) => l.ttfb))} | ${p(loads.map((l) => l.total))}${server.length ? ` | ${ms(percentile(server, 50))}` : " | —"}`,
  );
}

const BROWSER_LOADS = Math.max(10, Number(process.env.BENCH_PAGE_BROWSER_LOADS ?? 20));

/**
 * In Chromium with the session cookie: the Navigation Timing entry of each load, from navigation
 * start to the first response byte, to `domInteractive` (the document parsed, scripts deferred to
 * after it) and to the load event (stylesheet and scripts fetched and run).
 */
async function measureInBrowser(browser: Browser, base: string, label: string, path: string): Promise<void> {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  // Signed in the way a person is: the log-in form (the session cookie is HttpOnly and __Host-).
  await page.goto("/login");
  await page.locator("#email").fill(EMAIL);
  await page.locator("#password").fill(PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.getByRole("button", { name: "Log in" }).click()]);
  const loads: Array<{ ttfb: number; interactive: number; loaded: number }> = [];
  for (let i = 0; i < 3 + BROWSER_LOADS; i++) {
    await page.goto(path, { waitUntil: "load" });
    const t = await page.evaluate<{ ttfb: number; interactive: number; loaded: number }>(
      `(() => { const n = performance.getEntriesByType("navigation")[0]; return { ttfb: n.responseStart, interactive: n.domInteractive, loaded: n.loadEventEnd || n.loadEventStart }; })()`,
    );
    if (i >= 3) loads.push(t);
  }
  await context.close();
  const p = (xs: number[]): string => `${ms(percentile(xs, 50)).padStart(9)} | ${ms(percentile(xs, 99)).padStart(9)}`;
  console.log(`${label.padEnd(34)} | ${p(loads.map((l) => l.ttfb))} | ${p(loads.map((l) => l.interactive))} | ${ms(percentile(loads.map((l) => l.loaded), 50))}`);
}

export async function pagesBench(): Promise<void> {
  const [platform, pets] = await Promise.all([startPlatform(), startPetstore()]);
  const base = platform.baseUrl;
  try {
    const me = await owner(base);
    console.log(`\ndashboard pages (${LOADS} loads each after 5 warm-ups, one at a time, with a session)`);
    const tools = await fetch(`${base}/tools`, { headers: { cookie: me.cookie }, redirect: "manual" });
    const toolsPage = tools.status === 200 && (tools.headers.get("content-type") ?? "").startsWith("text/html");
    await tools.arrayBuffer();
    if (toolsPage) {
      const document = readFileSync(join(dirname(import.meta.dirname), "node_modules/@octokit/openapi/generated/api.github.com.json"), "utf8");
      const t0 = performance.now();
      const imported = await post(base, me.key, "/v1/sources", { slug: "github", kind: "openapi", config: { document: true }, document });
      if (imported.status !== 201) throw new Error(`GitHub import failed: ${imported.status} ${(await imported.text()).slice(0, 300)}`);
      const added = ((await imported.json()) as { tools: { added: string[] } }).tools.added.length;
      console.log(`  setup: GitHub REST imported by upload, ${added} tools, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } else {
      console.log(`  the Tools page is not there (GET /tools answered ${tools.status}): measuring the Runs pages only`);
    }

    const made = await post(base, me.key, "/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${pets.url}/openapi.json` }, local: true, connection: { name: "work", secret: "bench" } });
    if (made.status !== 201) throw new Error(`pets source failed: ${made.status}`);
    // Every Run made the honest way: POST /v1/call through the one invocation path. One in a hundred
    // asks for a pet that is not there, so a "failed" filter has few matches to find among many.
    let n = 0;
    const t1 = performance.now();
    const { wallMs } = await load(
      async () => {
        const i = n++;
        const res = await post(base, me.key, "/v1/call", { address: `pets.${me.orgId}.work.getPet`, arguments: { petId: i % 100 === 99 ? 99 : 1 } });
        await res.arrayBuffer();
        if (res.status !== 200 && res.status !== 502) throw new Error(`call ${i} answered ${res.status}`);
      },
      RUNS,
      16,
    );
    console.log(`  setup: ${RUNS.toLocaleString("en")} Runs by POST /v1/call (concurrency 16) in ${(wallMs / 1000).toFixed(1)} s (${((RUNS / (performance.now() - t1)) * 1000).toFixed(0)} calls/s)`);

    const first = (await (await fetch(`${base}/v1/runs?limit=1`, { headers: { authorization: `Bearer ${me.key}` } })).json()) as { runs: Array<{ id: string }> };
    const deep = (await (await fetch(`${base}/v1/runs?limit=200&cursor=${Math.floor(RUNS / 2)}`, { headers: { authorization: `Bearer ${me.key}` } })).json()) as { runs: Array<{ id: string }> };
    console.log("page                               | TTFB p50  | TTFB p99  | total p50 | total p99 | ledger p50 (Server-Timing)");
    if (toolsPage) {
      await measure(base, me.cookie, "/tools (GitHub catalog)", "/tools");
      await measure(base, me.cookie, "/tools?q=issues", "/tools?q=issues");
    }
    await measure(base, me.cookie, "/runs (newest 50)", "/runs");
    await measure(base, me.cookie, `/runs?cursor=${Math.floor(RUNS / 2)} (middle page)`, `/runs?cursor=${Math.floor(RUNS / 2)}`);
    await measure(base, me.cookie, "/runs?status=failed (1 in 100)", "/runs?status=failed");
    await measure(base, me.cookie, "/runs?surface=mcp (no match: scan)", "/runs?surface=mcp");
    const newest = first.runs[0]?.id;
    const middle = deep.runs[0]?.id;
    if (newest) await measure(base, me.cookie, "/runs/<id> (newest Run)", `/runs/${newest}`);
    if (middle) await measure(base, me.cookie, "/runs/<id> (a middle Run)", `/runs/${middle}`);

    if (!existsSync(CHROMIUM_PATH)) {
      console.log(`  (no Chromium at ${CHROMIUM_PATH}: time to interactive not measured)`);
    } else {
      const browser = await launchChromium();
      try {
        console.log(`\nin Chromium (${BROWSER_LOADS} loads each after 3 warm-ups; Navigation Timing from navigation start)`);
        console.log("page                               | TTFB p50  | TTFB p99  | interactive p50 | interactive p99 | load p50");
        if (toolsPage) await measureInBrowser(browser, base, "/tools (GitHub catalog)", "/tools");
        await measureInBrowser(browser, base, "/runs (newest 50)", "/runs");
        if (newest) await measureInBrowser(browser, base, "/runs/<id> (newest Run)", `/runs/${newest}`);
      } finally {
        await browser.close();
      }
    }
  } finally {
    await Promise.all([platform.stop(), pets.close()]);
    removeDataDir(platform.dataDir);
  }
}
