import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { scopeCatalog } from "./client";
import { routeWords } from "./vocabulary";

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
});
