import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import type { Upstream } from "./upstreams/http-server";
import { startGraphqlApi } from "./upstreams/graphql-api";
import type { McpUpstream } from "./upstreams/mcp-server";
import { startMcpUpstream } from "./upstreams/mcp-server";

const GQL_TOKEN = "canary-gql-91b2";
const MCP_TOKEN = "canary-mcp-4d8e";

describe("GraphQL and MCP sources through the one invocation path", () => {
  let platform: Platform;
  let gql: Upstream;
  let mcp: McpUpstream;
  let owner: Account;
  let api: ReturnType<typeof client>;
  const transcript: string[] = [];

  beforeAll(async () => {
    [platform, gql, mcp] = await Promise.all([startPlatform(), startGraphqlApi(GQL_TOKEN), startMcpUpstream(MCP_TOKEN)]);
    owner = await signUpWithKey(platform.baseUrl, "graph@example.com");
    api = client(platform.baseUrl, owner.key, transcript);
  });

  afterAll(async () => {
    await Promise.all([platform?.stop(), gql?.close(), mcp?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  it("refuses to import a GraphQL API that needs a credential when none is given, storing nothing", async () => {
    const res = await api.post("/v1/sources", { slug: "gh", kind: "graphql", config: { endpoint: gql.url }, local: true });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await api.get("/v1/sources")).body.sources as Array<{ kind: string }>).filter((s) => s.kind !== "executor" && s.kind !== "store")).toEqual([]); // only the built-in sources
  });

  it("turns GraphQL introspection into query and mutation tools, and calls them with the connection", async () => {
    const created = await api.post("/v1/sources", {
      slug: "gh",
      kind: "graphql",
      config: { endpoint: gql.url },
      local: true,
      connection: { name: "work", secret: GQL_TOKEN },
    });
    expect(created.status).toBe(201);
    const added = (created.body.tools as { added: string[] }).added;
    expect(added).toEqual(expect.arrayContaining(["query_repo", "query_viewer", "mutation_createIssue"]));
    const repo = await api.post("/v1/call", { address: `gh.${owner.orgId}.work.query_repo`, arguments: { name: "executor" } });
    expect(repo.status).toBe(200);
    expect(repo.body.result).toMatchObject({ name: "executor", stars: 42 });
    const issue = await api.post("/v1/call", { address: `gh.${owner.orgId}.work.mutation_createIssue`, arguments: { repo: "executor", title: "Hi" } });
    expect(issue.status).toBe(200);
    expect(issue.body.result).toMatchObject({ title: "Hi", state: "OPEN" });
    const bad = await api.post("/v1/call", { address: `gh.${owner.orgId}.work.query_repo`, arguments: {} });
    expect(bad.status).toBe(422);
  });

  it("imports an MCP server's tools and forwards calls with the bearer credential", async () => {
    const created = await api.post("/v1/sources", {
      slug: "notes",
      kind: "mcp",
      config: { url: mcp.url },
      local: true,
      connection: { name: "work", secret: MCP_TOKEN },
    });
    expect(created.status).toBe(201);
    expect((created.body.tools as { added: string[] }).added.sort()).toEqual(["add", "wipe_notes"]);
    // Upstream MCP tools wait for approval until the owner trusts them explicitly.
    const held = await api.post("/v1/call", { address: `notes.${owner.orgId}.work.add`, arguments: { a: 1, b: 1 } });
    expect(held.status).toBe(202);
    expect((await api.post("/v1/policies", { target: { source: "notes", tools: "add" }, action: "approve" })).status).toBe(201);
    const sum = await api.post("/v1/call", { address: `notes.${owner.orgId}.work.add`, arguments: { a: 2, b: 3 } });
    expect(sum.status).toBe(200);
    expect(sum.body.result).toEqual({ sum: 5 });
    expect(mcp.authorizations.every((a) => a === `Bearer ${MCP_TOKEN}`)).toBe(true);
    // Its readOnly/destructive annotations are hints only; without a policy it still waits.
    const wipe = await api.post("/v1/call", { address: `notes.${owner.orgId}.work.wipe_notes`, arguments: {} });
    expect(wipe.status).toBe(202);
  });

  it("keeps both tokens out of every answer, Run and log line", async () => {
    const runs = await api.get("/v1/runs?limit=200");
    for (const token of [GQL_TOKEN, MCP_TOKEN]) {
      expect(runs.text).not.toContain(token);
      expect(transcript.join("\n")).not.toContain(token);
      expect(platform.output()).not.toContain(token);
    }
  });
});
