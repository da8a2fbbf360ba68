import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import { startPetstore } from "./upstreams/petstore";

type Structured = Record<string, unknown>;

// Configuring Executor through Executor: an agent with a plain MCP client finds the built-in
// `executor` source, asks it to add a source with a connection secret, a person approves, and the
// source exists and works; the secret never appears in any answer, Run or export.
describe("the executor source from an MCP client, approved by a person", () => {
  const CANARY = "canary-exec-e2e-9d41c7";
  let platform: Platform;
  let petstore: Awaited<ReturnType<typeof startPetstore>>;
  let owner: Account;
  const transcript: string[] = [];

  beforeAll(async () => {
    [platform, petstore] = await Promise.all([startPlatform(), startPetstore()]);
    owner = await signUpWithKey(platform.baseUrl, "executor-source@example.com");
  });

  afterAll(async () => {
    await Promise.all([platform?.stop(), petstore?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  async function connect(key: string): Promise<Client> {
    const c = new Client({ name: "agent", version: "1.0.0" });
    await c.connect(new StreamableHTTPClientTransport(new URL("/mcp", platform.baseUrl), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    return c;
  }

  async function call(c: Client, name: string, args: Record<string, unknown>): Promise<{ isError: boolean; data: Structured; text: string }> {
    const res = await c.callTool({ name, arguments: args });
    transcript.push(JSON.stringify(res));
    const content = res.content as Array<{ type: string; text?: string }>;
    return { isError: res.isError === true, data: (res.structuredContent ?? {}) as Structured, text: content[0]?.text ?? "" };
  }

  it("adds a source and its connection once a person approves, and the secret is nowhere", async () => {
    const agent = await connect(owner.key);
    const found = await call(agent, "search", { query: "add a new API source from its OpenAPI description" });
    const hits = found.data.tools as Array<{ address: string }>;
    const address = `executor.${owner.orgId}.platform.sources/add`;
    expect(hits.map((h) => h.address)).toContain(address);

    const described = await call(agent, "describe", { address });
    expect(described.isError).toBe(false);
    expect(JSON.stringify(described.data)).toContain("writeOnly");

    const args = {
      scope: "org",
      slug: "pets",
      kind: "openapi",
      config: { url: `${petstore.url}/openapi.json` },
      local: true,
      connection: { name: "work", secret: CANARY },
    };
    const pending = await call(agent, "execute", { address, arguments: args });
    expect(pending.isError).toBe(false);
    expect(pending.data.status).toBe("pending_approval");
    const runId = String(pending.data.runId);
    expect(runId).toMatch(/^run_/);

    const api = client(platform.baseUrl, owner.key, transcript);
    // Nothing happened yet: the source does not exist until a person decides.
    expect(((await api.get("/v1/sources")).body.sources as Array<{ slug: string }>).map((s) => s.slug)).not.toContain("pets");

    // The credential that asked can never approve; the owner's approver key can.
    expect((await api.post(`/v1/runs/${runId}/approve`)).status).toBe(403);
    const approver = client(platform.baseUrl, owner.approverKey, transcript);
    const approved = await approver.post(`/v1/runs/${runId}/approve`);
    expect(approved.status).toBe(200);
    expect(((await approver.get(`/v1/runs/${runId}`)).body.run as { status: string }).status).toBe("succeeded");

    const sources = (await api.get("/v1/sources")).body.sources as Array<{ slug: string }>;
    expect(sources.map((s) => s.slug)).toEqual(expect.arrayContaining(["executor", "pets"]));

    // The new source works through the connection the agent named, with the secret it gave.
    const pet = await call(agent, "execute", { address: `pets.${owner.orgId}.work.getPet`, arguments: { petId: 1 } });
    expect(pet.isError).toBe(false);
    expect(JSON.stringify(pet.data)).toContain("Rex");
    expect(petstore.seen.some((s) => s.path === "/pets/1" && s.headers.authorization === `Bearer ${CANARY}`)).toBe(true);

    // The run_status an agent polls, the Runs list, each Run, the export and the chain check: no canary.
    await call(agent, "run_status", { runId });
    const runs = await approver.get("/v1/runs?limit=100");
    for (const r of runs.body.runs as Array<{ id: string }>) await approver.get(`/v1/runs/${r.id}`);
    await approver.get("/v1/runs/export");
    expect((await approver.get(`/v1/runs/${runId}`)).body.run).toMatchObject({ surface: "mcp", status: "succeeded" });
    expect(transcript.join("\n")).not.toContain(CANARY);
    await agent.close();
  });

  it("answers a management read at once, and refuses a policy change aimed at the executor source itself", async () => {
    const agent = await connect(owner.key);
    const listed = await call(agent, "execute", { address: `executor.${owner.orgId}.platform.sources/list`, arguments: {} });
    expect(listed.isError).toBe(false);
    expect(JSON.stringify(listed.data)).toContain('"executor"');
    const loosen = await call(agent, "execute", {
      address: `executor.${owner.orgId}.platform.policies/set`,
      arguments: { scope: "org", target: { source: "executor", tools: "*" }, action: "approve" },
    });
    // Pending for a person first; approved, it still fails: the executor source's own gates are not its to change.
    expect(loosen.data.status).toBe("pending_approval");
    const runId = String(loosen.data.runId);
    const approver = client(platform.baseUrl, owner.approverKey, transcript);
    await approver.post(`/v1/runs/${runId}/approve`);
    expect((await approver.get(`/v1/runs/${runId}`)).body.run).toMatchObject({ status: "failed", error: { code: "forbidden" } });
    const policies = await client(platform.baseUrl, owner.key).get("/v1/policies");
    expect(JSON.stringify(policies.body)).not.toContain('"source":"executor"');
    await agent.close();
  });
});
