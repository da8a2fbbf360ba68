import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import { startPetstore } from "./upstreams/petstore";

type Structured = Record<string, unknown>;

describe("the MCP surface: meta-tools, direct mode, toolkit narrowing", () => {
  let platform: Platform;
  let petstore: Awaited<ReturnType<typeof startPetstore>>;
  let owner: Account;
  let api: ReturnType<typeof client>;
  let approver: ReturnType<typeof client>;

  async function connect(key: string, query = ""): Promise<Client> {
    const c = new Client({ name: "e2e", version: "1.0.0" });
    await c.connect(
      new StreamableHTTPClientTransport(new URL(`/mcp${query}`, platform.baseUrl), { requestInit: { headers: { authorization: `Bearer ${key}` } } }),
    );
    return c;
  }

  async function call(c: Client, name: string, args: Record<string, unknown>): Promise<{ isError: boolean; data: Structured; text: string }> {
    const res = await c.callTool({ name, arguments: args });
    const content = res.content as Array<{ type: string; text?: string }>;
    return { isError: res.isError === true, data: (res.structuredContent ?? {}) as Structured, text: content[0]?.text ?? "" };
  }

  beforeAll(async () => {
    [platform, petstore] = await Promise.all([startPlatform({ env: { EXECUTOR_MCP_INLINE_RESULT_CHARS: "1000" } }), startPetstore()]);
    owner = await signUpWithKey(platform.baseUrl, "mcp-surface@example.com");
    api = client(platform.baseUrl, owner.key);
    approver = client(platform.baseUrl, owner.approverKey);
    for (let i = 3; i < 60; i++) petstore.pets.set(i, { id: i, name: `Pet number ${i} with a longish name` });
    await api.post("/v1/sources", {
      slug: "pets",
      kind: "openapi",
      config: { url: `${petstore.url}/openapi.json` },
      local: true,
      connection: { name: "work", secret: "mcp-surface-secret" },
    });
  });

  afterAll(async () => {
    await Promise.all([platform?.stop(), petstore?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  it("lists the same small set of meta-tools whatever the catalog holds", async () => {
    const c = await connect(owner.key);
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["describe", "execute", "read_result", "run_code", "run_status", "search", "skills"]);
    await c.close();
  });

  it("finds, describes and executes a tool", async () => {
    const c = await connect(owner.key);
    const found = await call(c, "search", { query: "get pet by id" });
    const first = (found.data.tools as Array<{ address: string }>)[0];
    expect(first?.address).toBe(`pets.${owner.orgId}.work.getPet`);
    const described = await call(c, "describe", { address: first?.address });
    expect(described.data).toMatchObject({ policy: { outcome: "admit" }, tool: { sideEffect: "read" } });
    const executed = await call(c, "execute", { address: first?.address, arguments: { petId: 1 } });
    expect(executed.isError).toBe(false);
    expect(executed.data).toMatchObject({ status: "succeeded", result: { id: 1, name: "Rex" } });
    expect(JSON.parse(executed.text)).toEqual({ id: 1, name: "Rex" });
    await c.close();
  });

  it("pages an empty search through every tool", async () => {
    const c = await connect(owner.key);
    const seen: string[] = [];
    let cursor: unknown;
    for (let pages = 0; cursor !== null && pages < 20; pages++) {
      const page = await call(c, "search", { query: "", limit: 4, ...(cursor === undefined ? {} : { cursor }) });
      const tools = page.data.tools as Array<{ address: string }>;
      expect(tools.length).toBe(page.data.nextCursor === null ? tools.length : 4);
      seen.push(...tools.map((t) => t.address));
      cursor = page.data.nextCursor;
    }
    expect(cursor).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
    // The org's own six pet-store tools come first, then the built-in executor source's management tools.
    expect(seen.slice(0, 6).every((a) => a.startsWith(`pets.${owner.orgId}.work.`))).toBe(true);
    expect(seen.slice(6).length).toBeGreaterThan(0);
    expect(seen.slice(6).every((a) => a.startsWith(`executor.${owner.orgId}.platform.`))).toBe(true);
    await c.close();
  });

  it("returns a pending run for a gated call, which resumes after approval", async () => {
    const c = await connect(owner.key);
    const pending = await call(c, "execute", { address: `pets.${owner.orgId}.work.deletePet`, arguments: { petId: 5 } });
    expect(pending.data.status).toBe("pending_approval");
    const runId = String(pending.data.runId);
    expect((await call(c, "run_status", { runId })).data.status).toBe("pending_approval");
    expect((await approver.post(`/v1/runs/${runId}/approve`)).status).toBe(200);
    const done = await call(c, "run_status", { runId });
    expect(done.data.status).toBe("succeeded");
    await c.close();
  });

  it("returns a large result as a handle and pages it with read_result", async () => {
    const c = await connect(owner.key);
    const big = await call(c, "execute", { address: `pets.${owner.orgId}.work.listPets`, arguments: {} });
    expect(big.data.resultHandle).toBe(big.data.runId);
    const chars = Number(big.data.resultChars);
    let text = "";
    let offset: number | null = 0;
    while (offset !== null) {
      const page = await call(c, "read_result", { runId: big.data.runId, offset, length: 700 });
      text += String(page.data.text);
      offset = page.data.nextOffset as number | null;
    }
    expect(text.length).toBe(chars);
    expect((JSON.parse(text) as unknown[]).length).toBeGreaterThan(50);
    await c.close();
  });

  it("answers a tool error, not a protocol error, for a bad address", async () => {
    const c = await connect(owner.key);
    const res = await call(c, "execute", { address: "nope", arguments: {} });
    expect(res.isError).toBe(true);
    await c.close();
  });

  it("lists every visible tool in direct mode and calls one by its MCP name", async () => {
    const c = await connect(owner.key, "?tools=direct");
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name)).toContain("pets.org.work.getPet");
    const res = await c.callTool({ name: "pets.org.work.getPet", arguments: { petId: 1 } });
    expect(res.structuredContent).toMatchObject({ result: { id: 1 } });
    await c.close();
  });

  it("narrows to a toolkit with ?toolkit= and is refused outside it", async () => {
    expect((await api.post("/v1/toolkits", { slug: "readers", title: "Readers", patterns: [`pets.*.*.list*`] })).status).toBe(201);
    const c = await connect(owner.key, "?toolkit=readers");
    const found = await call(c, "search", { query: "" });
    expect((found.data.tools as Array<{ address: string }>).map((t) => t.address)).toEqual([`pets.${owner.orgId}.work.listPets`]);
    const refused = await call(c, "execute", { address: `pets.${owner.orgId}.work.getPet`, arguments: { petId: 1 } });
    expect(refused.isError).toBe(true);
    await c.close();
    const res = await fetch(`${platform.baseUrl}/mcp?toolkit=missing`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.key}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(res.status).toBe(404);
  });

  it("refuses a foreign Origin (DNS-rebinding protection)", async () => {
    const res = await fetch(`${platform.baseUrl}/mcp`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.key}`, origin: "http://evil.example", "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(res.status).toBe(403);
  });
});
