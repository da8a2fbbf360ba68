import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { scopeCatalog } from "./client";
import { matchExpressions, rankFeatures, rerank } from "./rank";
import { isAbbreviation, meanings, routeWords, synonyms } from "./vocabulary";

// Search over a spec written the way many are: operation ids that are only a method and a path
// (Stripe's `DeleteCustomersCustomer`), no summaries. Each test uses its own scope.

let n = 0;
function op(name: string, method: string, path: string, description = "") {
  n++;
  const sideEffect = method === "GET" ? "read" : method === "DELETE" ? "destructive" : "write";
  return { name, description, sideEffect, hash: n.toString(16).padStart(64, "0"), invocation: { method, path }, destination: `${method} https://api.example.com${path}` } as const;
}

const TOOLS = [
  op("GetCustomers", "GET", "/v1/customers"),
  op("PostCustomers", "POST", "/v1/customers"),
  op("GetCustomersCustomer", "GET", "/v1/customers/{customer}"),
  op("PostCustomersCustomer", "POST", "/v1/customers/{customer}"),
  op("DeleteCustomersCustomer", "DELETE", "/v1/customers/{customer}"),
  op("DeleteCustomersCustomerDiscount", "DELETE", "/v1/customers/{customer}/discount"),
  op("GetCustomersCustomerSources", "GET", "/v1/customers/{customer}/sources"),
  op("PostInvoicesInvoiceSend", "POST", "/v1/invoices/{invoice}/send"),
  op("conversations_create", "POST", "/conversations.create", "Initiates a public or private channel-based conversation"),
  op("conversations_list", "GET", "/conversations.list", "Lists all channels in a Slack team."),
  op("pulls_create", "POST", "/repos/{owner}/{repo}/pulls", "Create a pull request"),
];

async function top(scope: string, query: string): Promise<string[]> {
  const c = scopeCatalog(env.SCOPE_CATALOG, scope);
  const hits = await c.searchTools({ query, limit: 3, offset: 0 });
  if (!hits.ok) throw new Error(hits.error.message);
  return hits.value.map((h) => h.name);
}

describe("search by meaning", () => {
  it("reads an HTTP route: the verb its method means on that path, and its words", () => {
    expect(routeWords({ method: "GET", path: "/v1/customers" })).toBe("list customers");
    expect(routeWords({ method: "GET", path: "/v1/customers/{customer}" })).toBe("get customers");
    expect(routeWords({ method: "POST", path: "/v1/customers/{customer}" })).toBe("update customers");
    expect(routeWords({ method: "DELETE", path: "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json" })).toBe("delete accounts calls");
    // An RPC-style path names its own action; the method (always POST there) adds nothing.
    expect(routeWords({ method: "POST", path: "/chat.postMessage" })).toBe("chat post message");
    expect(routeWords({ method: "POST", path: "/v1/invoices/{invoice}/send" })).toBe("invoices send");
    expect(routeWords({ kind: "graphql" })).toBe("");
  });

  it("finds tools by synonyms, abbreviations and what their routes do, the plainest match first", async () => {
    const scope = "org_search_meaning";
    const c = scopeCatalog(env.SCOPE_CATALOG, scope);
    await c.createSource({ slug: "api", kind: "openapi", title: "API", config: {}, local: false });
    const synced = await c.syncTools("api", { tools: TOOLS, manifestHash: "f".repeat(64) });
    expect(synced.ok).toBe(true);
    expect((await top(scope, "remove a customer"))[0]).toBe("DeleteCustomersCustomer");
    expect((await top(scope, "delete a customer"))[0]).toBe("DeleteCustomersCustomer");
    expect((await top(scope, "list all customers"))[0]).toBe("GetCustomers");
    expect((await top(scope, "add a new customer"))[0]).toBe("PostCustomers");
    expect((await top(scope, "edit a customer"))[0]).toBe("PostCustomersCustomer");
    expect((await top(scope, "view one customer"))[0]).toBe("GetCustomersCustomer");
    expect((await top(scope, "send an invoice"))[0]).toBe("PostInvoicesInvoiceSend");
    expect((await top(scope, "make a channel"))[0]).toBe("conversations_create");
    expect((await top(scope, "open a PR"))[0]).toBe("pulls_create");
  });

  it("lets verbs rank the tools that match what was asked about, not pick candidates of their own", () => {
    // "customer" must match; "remove" (as typed, and as its group's name routes are indexed with)
    // only adds to the score. Should nothing match "customer", the verbs' synonyms find candidates.
    expect(matchExpressions("remove a customer")).toEqual([
      '("customer"*) AND ("customer"* OR "remove" OR "delete")',
      '"remove"* OR "delete"* OR "destroy"* OR "drop"* OR "erase"* OR "discard"* OR "purge"*',
    ]);
    expect(matchExpressions("open a PR")).toEqual(['("pull"* OR "request"*) AND ("pull"* OR "request"* OR "open" OR "create")', expect.stringContaining('"open"*')]);
    // A query of verbs alone searches by them; one of stop words alone, by those words.
    expect(matchExpressions("list all")).toEqual([expect.stringMatching(/^"list"\* OR "every"\*/)]);
    expect(matchExpressions("all of it")[0]).toBe('"all"* OR "of" OR "it"');
    expect(matchExpressions("   ")).toEqual([]);
  });

  it("re-ranks from the words stored with each tool: the plainest title, name or route that says what was asked", () => {
    const tool = (name: string, title: string, route: string, score: number) => ({ source: "api", name, features: rankFeatures(title, name, route), score });
    const ranked = rerank("remove a customer's discount", [
      tool("GetCustomersCustomerDiscount", "", "get customers discount", -2),
      tool("DeleteCustomersCustomer", "", "delete customers", -2),
      tool("DeleteCustomersCustomerDiscount", "", "delete customers discount", -1.5),
    ]);
    expect(ranked.map((t) => t.name)).toEqual(["DeleteCustomersCustomerDiscount", "DeleteCustomersCustomer", "GetCustomersCustomerDiscount"]);
    expect(ranked.every((t) => t.score < 0)).toBe(true);
  });

  it("falls back to the verbs when nothing matches what was asked about, and answers a scope's search in one call", async () => {
    const scope = "org_search_fallback";
    const c = scopeCatalog(env.SCOPE_CATALOG, scope);
    await c.createSource({ slug: "api", kind: "openapi", title: "API", config: {}, local: false });
    expect((await c.syncTools("api", { tools: TOOLS, manifestHash: "e".repeat(64) })).ok).toBe(true);
    expect((await c.createConnection({ source: "api", name: "work", secretRef: null })).ok).toBe(true);
    expect((await top(scope, "delete everything"))[0]).toMatch(/^Delete/);
    const found = await c.searchScope({ query: "remove a customer", limit: 2, skills: true });
    if (!found.ok) throw new Error(found.error.message);
    expect(found.value.hits.map((h) => h.name)).toEqual(["DeleteCustomersCustomer", "DeleteCustomersCustomerDiscount"]);
    expect(found.value.hits[0]).toMatchObject({ source: "api", sideEffect: "destructive", status: "granted" });
    expect(found.value.connections.map((x) => x.name)).toEqual(["work"]);
    expect(found.value.sources.map((x) => x.slug)).toEqual(["api"]);
    expect(found.value.skills).toEqual([]);
  });

  it("reads an abbreviation both ways: a spec that says `repos` is found by \"repository\", whole words only", async () => {
    expect(synonyms("repository")).toEqual(["repository", "repo"]);
    expect(meanings("repo")).toEqual(["repository"]);
    expect(isAbbreviation("repo")).toBe(true);
    // Too short to stand for anything on the tools' side ("id" is in every schema), or mostly a
    // prefix there ("sub-issue" is no subscription); both still expand as typed.
    expect(synonyms("identifier")).toEqual(["identifier"]);
    expect(synonyms("subscription")).toEqual(["subscription"]);
    expect(meanings("sub")).toEqual(["sub"]);
    expect(matchExpressions("get a repository")[0]).toBe('("repository"* OR "repo") AND ("repository"* OR "repo" OR "get")');
    const scope = "org_search_abbreviations";
    const c = scopeCatalog(env.SCOPE_CATALOG, scope);
    await c.createSource({ slug: "gh", kind: "openapi", title: "GH", config: {}, local: false });
    const tools = [op("repos/get", "GET", "/repos/{owner}/{repo}"), op("repos/list-reports", "GET", "/repos/{owner}/{repo}/reports"), op("orgs/get", "GET", "/orgs/{org}")];
    expect((await c.syncTools("gh", { tools, manifestHash: "c".repeat(64) })).ok).toBe(true);
    expect((await top(scope, "get a repository"))[0]).toBe("repos/get");
    expect((await top(scope, "show an organization"))[0]).toBe("orgs/get");
  });

  it("keeps the index in step with the catalog: a refresh re-indexes, a removed tool or source is gone", async () => {
    const scope = "org_search_in_step";
    const c = scopeCatalog(env.SCOPE_CATALOG, scope);
    await c.createSource({ slug: "zoo", kind: "openapi", title: "Zoo", config: {}, local: false });
    const feed = op("feedAnimal", "POST", "/animals/{id}/feed", "Feed an animal");
    const pet = op("petAnimal", "POST", "/animals/{id}/pet", "Pet an animal");
    expect((await c.syncTools("zoo", { tools: [feed, pet], manifestHash: "b".repeat(64) })).ok).toBe(true);
    expect(await top(scope, "feed an animal")).toContain("feedAnimal");
    // A refresh that rewrites one tool and drops the other.
    const fed = { ...feed, description: "Give a giraffe its lunch", hash: "9".repeat(64) };
    expect((await c.syncTools("zoo", { tools: [fed], manifestHash: "a".repeat(64) })).ok).toBe(true);
    expect(await top(scope, "lunch for a giraffe")).toEqual(["feedAnimal"]);
    expect(await top(scope, "pet an animal")).not.toContain("petAnimal");
    expect((await c.deleteSource("zoo")).ok).toBe(true);
    expect(await top(scope, "lunch for a giraffe")).toEqual([]);
  });
});
