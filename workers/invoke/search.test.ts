import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { scopeCatalog } from "../../durable-objects/scope-catalog/client";
import type { Principal } from "../../schemas";
import { searchVisible } from "./search";

// Search over a principal's scopes: one round trip per scope (connections, sources, hits and skills
// together), then visibility, the toolset and the page. Each test has its own org.

function principal(org: string, user: string, narrowings: Principal["narrowings"] = []): Principal {
  return {
    kind: "api_key",
    credentialId: `key_${user}`,
    userId: user,
    orgId: org,
    chain: [
      { id: org, kind: "org" },
      { id: user, kind: "user" },
    ],
    narrowings,
  };
}

let n = 0;
function widget(name: string, summary: string) {
  n++;
  return { name, description: summary, sideEffect: "read", hash: n.toString(16).padStart(64, "0"), invocation: { method: "GET", path: `/${name}` }, destination: `GET https://api.example.com/${name}` } as const;
}

async function place(scope: string, slug: string, tools: ReturnType<typeof widget>[], connection?: string): Promise<void> {
  const c = scopeCatalog(env.SCOPE_CATALOG, scope);
  expect((await c.createSource({ slug, kind: "openapi", title: slug, config: {}, local: false })).ok).toBe(true);
  expect((await c.syncTools(slug, { tools, manifestHash: "d".repeat(64) })).ok).toBe(true);
  if (connection) expect((await c.createConnection({ source: slug, name: connection, secretRef: null })).ok).toBe(true);
}

describe("searchVisible", () => {
  it("fills the page when the best hits belong to a source nobody holds a connection to", async () => {
    const org = "org_search_hidden";
    // Forty exact matches nobody can address, ranked above the three the principal can.
    await place(org, "hidden", Array.from({ length: 40 }, (_, i) => widget(`widget-${i}`, "Widget")));
    await place(org, "shown", [widget("get-widget-report", "Get a widget report"), widget("list-widget-reports", "List widget reports"), widget("other", "Widget notes, reports and more")], "work");
    const page = await searchVisible(env, principal(org, "user_search_hidden1"), { query: "widget", limit: 3, cursor: 0 });
    expect(page.tools.map((t) => t.address).sort()).toEqual([
      `shown.${org}.work.get-widget-report`,
      `shown.${org}.work.list-widget-reports`,
      `shown.${org}.work.other`,
    ]);
    expect(page.nextCursor).toBeNull();
  });

  it("reaches an org's tools through a person's own connection, and answers each scope's skills in the same round trip", async () => {
    const org = "org_search_inner";
    const user = "user_search_inner1";
    await place(org, "api", [widget("get-widget", "Get a widget")]);
    expect((await scopeCatalog(env.SCOPE_CATALOG, user).createConnection({ source: "api", name: "mine", secretRef: null })).ok).toBe(true);
    const page = await searchVisible(env, principal(org, user), { query: "get a widget", limit: 5, cursor: 0, skills: true });
    expect(page.tools.map((t) => t.address)).toEqual([`api.${user}.mine.get-widget`]);
    expect(page.skillLists).toEqual([[], []]);
  });

  it("applies the toolset before cutting the page", async () => {
    const org = "org_search_narrow";
    await place(org, "api", Array.from({ length: 30 }, (_, i) => widget(`widget-${i}`, "Widget")), "work");
    const narrowed = principal(org, "user_search_narrow", [{ label: "kit", tools: [`api.${org}.work.widget-29`], patterns: [] }]);
    const page = await searchVisible(env, narrowed, { query: "widget", limit: 5, cursor: 0 });
    expect(page.tools.map((t) => t.name)).toEqual(["widget-29"]);
  });
});
