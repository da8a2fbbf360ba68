import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import { startPetstore } from "./upstreams/petstore";

type Structured = Record<string, unknown>;

const PET_NAMES = `import { defineTool } from "executor";
import { z } from "zod";

export default defineTool({
  name: "pet_names",
  description: "Lists the names of the first pets in the store.",
  sideEffect: "read",
  calls: ["pets.*.*.listPets"],
  input: z.object({ limit: z.number().int().min(1).max(10) }),
  output: z.object({ names: z.array(z.string()) }),
  handler: async ({ limit }: { limit: number }, ctx) => {
    const pets = await ctx.tools.pets[ctx.connection].listPets({ limit });
    return { names: pets.map((p: { name: string }) => p.name) };
  },
});
`;

const SKILL = `---
name: pet-care
description: How to look up pets by name before changing anything.
public: true
---
Call pet_names first, then getPet with the id you found.
`;

// Authored artifacts on the real platform: a custom tool and a skill deployed from files (check
// first), called over HTTP and MCP with the caller's chosen connection, rolled back; a tool written
// over MCP into the author's own scope; skills found by search, read as resources and served at
// /.well-known/skills/. The upstream is a real local HTTP server; its secret appears nowhere.
describe("custom tools and skills in git", () => {
  const CANARY = "canary-artifacts-e2e-5e0b21";
  const transcript: string[] = [];
  let platform: Platform;
  let petstore: Awaited<ReturnType<typeof startPetstore>>;
  let owner: Account;
  let api: ReturnType<typeof client>;
  let first = "";

  beforeAll(async () => {
    [platform, petstore] = await Promise.all([startPlatform(), startPetstore()]);
    owner = await signUpWithKey(platform.baseUrl, "artifacts@example.com", ["administer", "author-tools", "manage-keys"]);
    api = client(platform.baseUrl, owner.key, transcript);
    expect((await api.post("/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${petstore.url}/openapi.json` }, local: true })).status).toBe(201);
    expect((await api.post("/v1/connections", { source: "pets", name: "work", secret: CANARY })).status).toBe(201);
  });

  afterAll(async () => {
    await Promise.all([platform?.stop(), petstore?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  async function mcp(key: string): Promise<Client> {
    const c = new Client({ name: "author", version: "1.0.0" });
    await c.connect(new StreamableHTTPClientTransport(new URL("/mcp", platform.baseUrl), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    return c;
  }

  async function call(c: Client, name: string, args: Record<string, unknown>): Promise<{ isError: boolean; data: Structured; text: string }> {
    const res = await c.callTool({ name, arguments: args });
    transcript.push(JSON.stringify(res));
    const content = res.content as Array<{ type: string; text?: string }>;
    return { isError: res.isError === true, data: (res.structuredContent ?? {}) as Structured, text: content[0]?.text ?? "" };
  }

  it("checks a deploy without writing, then deploys it as a commit", async () => {
    const files = { "executor/tools/pet_names.ts": PET_NAMES, "executor/skills/pet-care/SKILL.md": SKILL };
    const check = await api.post("/v1/artifacts/deploy", { files, check: true });
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ check: true, commit: null, tools: { added: [{ name: "pet_names", sideEffect: "read", calls: ["pets.*.*.listPets"] }] }, capabilities: { added: ["pets.*.*.listPets"] } });
    expect((await api.get("/v1/artifacts/history")).body.commits).toEqual([]);

    const deployed = await api.post("/v1/artifacts/deploy", { files, message: "Add pet_names and pet-care" });
    expect(deployed.status).toBe(201);
    first = (deployed.body.commit as { commit: string }).commit;
    expect(first).toMatch(/^[0-9a-f]{40}$/);
    const history = await api.get("/v1/artifacts/history");
    expect(history.body.commits).toEqual([expect.objectContaining({ commit: first, live: true, message: "Add pet_names and pet-care", author: { name: "artifacts@example.com", email: "artifacts@example.com" } })]);
  });

  it("calls the custom tool with the connection the caller chose; its Run carries the commit and its call is a child Run", async () => {
    const found = await api.get("/v1/tools?q=names%20of%20pets");
    expect((found.body.tools as Array<{ address: string }>).map((t) => t.address)).toContain(`custom.${owner.orgId}.default.pet_names`);
    expect((found.body.skills as Array<{ kind: string; name: string }>)[0]).toMatchObject({ kind: "skill", name: "pet-care" });
    const res = await api.post("/v1/call", { address: `custom.${owner.orgId}.work.pet_names`, arguments: { limit: 1 } });
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual({ names: ["Rex"] });
    const run = res.body.run as { id: string; artifactVersion: string; sandbox: string };
    expect(run).toMatchObject({ artifactVersion: first, sandbox: "dynamic-worker" });
    expect(petstore.seen.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY}`);
    const children = await api.get(`/v1/runs?parent=${run.id}`);
    expect((children.body.runs as Array<{ address: string; parentRunId: string }>).map((r) => r.address)).toEqual([`pets.${owner.orgId}.work.listPets`]);
    const invalid = await api.post("/v1/call", { address: `custom.${owner.orgId}.work.pet_names`, arguments: { limit: 99 } });
    expect(invalid.status).toBe(422);
  });

  it("finds the tool and the skill over MCP, reads the skill as a resource, and calls the tool", async () => {
    const agent = await mcp(owner.key);
    const names = (await agent.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["skills", "author_tool", "create_skill"]));
    const found = await call(agent, "search", { query: "look up pets by name" });
    expect((found.data.skills as Array<{ kind: string; uri: string }>)[0]).toMatchObject({ kind: "skill", uri: `skill://${owner.orgId}/pet-care` });
    const resources = await agent.listResources();
    expect(resources.resources.map((r) => r.uri)).toContain(`skill://${owner.orgId}/pet-care`);
    const read = await agent.readResource({ uri: `skill://${owner.orgId}/pet-care` });
    expect((read.contents[0] as { text: string }).text).toContain("Call pet_names first");
    const executed = await call(agent, "execute", { address: `custom.${owner.orgId}.work.pet_names`, arguments: { limit: 2 } });
    expect(executed.data.result).toEqual({ names: ["Rex", "Tom"] });
    await agent.close();
  });

  it("authors a tool over MCP into the author's own scope; a compile error names its line and deploys nothing", async () => {
    const agent = await mcp(owner.key);
    const broken = await call(agent, "author_tool", { name: "shout", code: 'import { defineTool } from "executor";\nexport default defineTool({\n  name: "shout",,\n});\n' });
    expect(broken.isError).toBe(true);
    expect(broken.text).toMatch(/tools\/shout\.ts:3:/);
    expect((await api.get("/v1/artifacts/history?scope=user")).body.commits).toEqual([]);
    const clash = await call(agent, "author_tool", { name: "pet_names", code: PET_NAMES });
    expect(clash.isError).toBe(true);
    expect(clash.text).toContain("already has a custom tool named 'pet_names'");

    const code = `import { defineTool } from "executor";
export default defineTool({
  name: "shout", description: "Upper-cases a text.", sideEffect: "read",
  input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  handler: async ({ text }) => ({ text: text.toUpperCase() + "!" }),
});
`;
    const authored = await call(agent, "author_tool", { name: "shout", code });
    expect(authored.isError).toBe(false);
    expect(authored.data.address).toBe(`custom.${owner.userId}.default.shout`);
    const shouted = await call(agent, "execute", { address: `custom.${owner.userId}.default.shout`, arguments: { text: "hi" } });
    expect(shouted.data.result).toEqual({ text: "HI!" });
    const skill = await call(agent, "create_skill", { name: "shouting", description: "When to shout.", body: "Only when asked." });
    expect(skill.data.uri).toBe(`skill://${owner.userId}/shouting`);
    const pulled = await api.get("/v1/artifacts/pull?scope=user");
    expect(Object.keys(pulled.body.files as object).sort()).toEqual(["executor/skills/shouting/SKILL.md", "executor/tools/shout.ts"]);
    await agent.close();
  });

  it("keeps a tool an agent authors to what the agent's toolkit allows, whoever calls it (the membrane)", async () => {
    const toolkit = await api.post("/v1/toolkits", { slug: "pets-read", title: "Read pets", tools: [`pets.${owner.orgId}.work.getPet`], patterns: ["custom.*.*.*"] });
    expect(toolkit.status).toBe(201);
    const minted = await api.post("/v1/api-keys", { name: "agent", toolkit: `${owner.orgId}/pets-read`, capabilities: ["author-tools"] });
    expect(minted.status).toBe(201);
    const agent = await mcp((minted.body as { key: string }).key);
    const code = `import { defineTool } from "executor";
export default defineTool({
  name: "peek", description: "Reads a pet, then tries to list them all.", sideEffect: "read", calls: ["pets.*.*.*"],
  input: { type: "object", properties: {} },
  handler: async (_args, ctx) => {
    const one = await ctx.tools.pets[ctx.connection].getPet({ petId: 1 });
    let all;
    try { all = await ctx.tools.pets[ctx.connection].listPets({ limit: 5 }); } catch (e) { all = "refused: " + e.code; }
    return { one: one.name, all };
  },
});
`;
    const authored = await call(agent, "author_tool", { name: "peek", code });
    expect(authored.isError).toBe(false);
    const expected = { one: "Rex", all: "refused: not-found" };
    const byAgent = await call(agent, "execute", { address: `custom.${owner.userId}.work.peek`, arguments: {} });
    expect(byAgent.data.result).toEqual(expected);
    // The owner's whole authority does not widen it: the tool keeps its author's toolkit.
    const byOwner = await api.post("/v1/call", { address: `custom.${owner.userId}.work.peek`, arguments: {} });
    expect(byOwner.body.result).toEqual(expected);
    // Reading the scope's source code is administration: the toolkit-bound key may not.
    const agentApi = client(platform.baseUrl, (minted.body as { key: string }).key, transcript);
    expect((await agentApi.get("/v1/artifacts/history?scope=user")).status).toBe(403);
    expect((await agentApi.get("/v1/artifacts/pull?scope=org")).status).toBe(403);
    await agent.close();
  });

  it("keeps a tool to its author's capabilities: one written by a key that cannot administer cannot, whoever calls it", async () => {
    expect((await api.post("/v1/policies", { target: { source: "executor", tools: "toolkits/create" }, action: "approve" })).status).toBe(201);
    const minted = await api.post("/v1/api-keys", { name: "author-only", capabilities: ["author-tools"] });
    const agent = await mcp((minted.body as { key: string }).key);
    const code = `import { defineTool } from "executor";
export default defineTool({
  name: "widen", description: "Tries to make a toolkit.", sideEffect: "read", calls: ["executor.*.*.*"],
  input: { type: "object", properties: {} },
  handler: async (_a, ctx) => {
    try { return await ctx.tools.call("executor.${owner.orgId}.platform.toolkits/create", { scope: "org", slug: "wide", title: "Wide", tools: [], patterns: ["*.*.*.*"] }); }
    catch (e) { return { refused: e.code }; }
  },
});
`;
    expect((await call(agent, "author_tool", { name: "widen", code })).isError).toBe(false);
    const res = await api.post("/v1/call", { address: `custom.${owner.userId}.platform.widen`, arguments: {} });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body.result)).toContain("refused");
    expect(((await api.get("/v1/toolkits")).body.toolkits as Array<{ slug: string }>).map((t) => t.slug)).not.toContain("wide");
    await agent.close();
  });

  it("serves public skills at /.well-known/skills/ without a credential, and nothing else", async () => {
    const index = await fetch(`${platform.baseUrl}/.well-known/skills/${owner.orgId}/index.json`);
    expect(index.status).toBe(200);
    const body = (await index.json()) as { skills: Array<{ name: string; url: string }> };
    expect(body.skills.map((s) => s.name)).toEqual(["pet-care"]);
    const md = await fetch(body.skills[0]?.url ?? "");
    expect(await md.text()).toContain("Call pet_names first");
    expect((await fetch(`${platform.baseUrl}/.well-known/skills/${owner.orgId}/shouting/SKILL.md`)).status).toBe(404);
    expect((await fetch(`${platform.baseUrl}/.well-known/skills/index.json`)).status).toBe(401);
    expect((await fetch(`${platform.baseUrl}/.well-known/skills/org_madeup0000000000000000/index.json`)).status).toBe(404);
  });

  it("refuses bad deploys with precise errors and leaves the history and the live set as they were", async () => {
    const before = (await api.get("/v1/artifacts/history")).body.commits as unknown[];
    const broken = await api.post("/v1/artifacts/deploy", { files: { "tools/pet_names.ts": PET_NAMES.replace("sideEffect", "sideEffect:: ") } });
    expect(broken.status).toBe(422);
    expect(broken.headers.get("content-type")).toBe("application/problem+json");
    expect(broken.body.errors).toEqual([{ path: "tools/pet_names.ts", line: 7, column: 14, message: "Unexpected token, expected \",\"" }]);
    const big = await api.post("/v1/artifacts/deploy", { files: { "tools/big.ts": `// ${"x".repeat(300_000)}\n` } });
    expect(big.status).toBe(413);
    const stray = await api.post("/v1/artifacts/deploy", { files: { "README.md": "hi" } });
    expect(stray.status).toBe(422);
    expect((await api.get("/v1/artifacts/history")).body.commits).toEqual(before);
    const still = await api.post("/v1/call", { address: `custom.${owner.orgId}.work.pet_names`, arguments: { limit: 1 } });
    expect(still.body.result).toEqual({ names: ["Rex"] });
  });

  it("rolls back to an earlier commit as a new commit that says so", async () => {
    const changed = PET_NAMES.replace("p.name)", "p.name.toUpperCase())");
    expect((await api.post("/v1/artifacts/deploy", { files: { "tools/pet_names.ts": changed, "skills/pet-care/SKILL.md": SKILL } })).status).toBe(201);
    expect((await api.post("/v1/call", { address: `custom.${owner.orgId}.work.pet_names`, arguments: { limit: 1 } })).body.result).toEqual({ names: ["REX"] });
    const back = await api.post("/v1/artifacts/rollback", { commit: first });
    expect(back.status).toBe(201);
    const history = (await api.get("/v1/artifacts/history")).body.commits as Array<{ commit: string; restores: string | null; live: boolean }>;
    expect(history.map((c) => c.restores)).toEqual([first, null, null]);
    expect(history[0]?.live).toBe(true);
    const res = await api.post("/v1/call", { address: `custom.${owner.orgId}.work.pet_names`, arguments: { limit: 1 } });
    expect(res.body.result).toEqual({ names: ["Rex"] });
    expect((res.body.run as { artifactVersion: string }).artifactVersion).toBe(history[0]?.commit);
    expect((await api.post("/v1/artifacts/rollback", { commit: "0".repeat(40) })).status).toBe(404);
  });

  it("never shows the connection's secret", () => {
    expect(transcript.join("\n")).not.toContain(CANARY);
  });
});
