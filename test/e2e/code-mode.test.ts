import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import type { Upstream } from "./upstreams/http-server";
import { startGraphqlApi } from "./upstreams/graphql-api";
import { startPetstore } from "./upstreams/petstore";

type Run = { id: string; status: string; parentRunId: string | null; surface: string; address: string; sandbox: string | null };
type Structured = Record<string, unknown>;

const PETS_SECRET = "canary-code-pets-6a1f";
const GQL_SECRET = "canary-code-gql-3e9b";

describe("code mode: run_code in a Dynamic Worker behind the ToolProxy", () => {
  let platform: Platform;
  let pets: Awaited<ReturnType<typeof startPetstore>>;
  let gql: Upstream;
  let owner: Account;
  let api: ReturnType<typeof client>;
  const transcript: string[] = [];

  async function connect(key: string): Promise<Client> {
    const c = new Client({ name: "code-mode", version: "1.0.0" });
    await c.connect(new StreamableHTTPClientTransport(new URL("/mcp", platform.baseUrl), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    return c;
  }

  async function runCode(c: Client, code: string): Promise<{ isError: boolean; data: Structured; text: string }> {
    const res = await c.callTool({ name: "run_code", arguments: { code } });
    const text = (res.content as Array<{ text?: string }>)[0]?.text ?? "";
    transcript.push(text);
    return { isError: res.isError === true, data: (res.structuredContent ?? {}) as Structured, text };
  }

  async function children(parentId: string): Promise<Run[]> {
    const runs = (await api.get("/v1/runs?limit=200")).body.runs as Run[];
    return runs.filter((r) => r.parentRunId === parentId);
  }

  beforeAll(async () => {
    [platform, pets, gql] = await Promise.all([startPlatform(), startPetstore(), startGraphqlApi(GQL_SECRET)]);
    owner = await signUpWithKey(platform.baseUrl, "code-mode@example.com");
    api = client(platform.baseUrl, owner.key, transcript);
    const openapi = await api.post("/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${pets.url}/openapi.json` }, local: true, connection: { name: "work", secret: PETS_SECRET } });
    expect(openapi.status, openapi.text).toBe(201);
    const graphql = await api.post("/v1/sources", { slug: "gh", kind: "graphql", config: { endpoint: gql.url }, local: true, connection: { name: "work", secret: GQL_SECRET } });
    expect(graphql.status, graphql.text).toBe(201);
  });

  afterAll(async () => {
    await Promise.all([platform?.stop(), pets?.close(), gql?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  it("lists run_code among a constant set of meta-tools, with the calling convention in its description", async () => {
    const c = await connect(owner.key);
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["describe", "execute", "read_result", "run_code", "run_status", "search", "skills"]);
    expect(tools.find((t) => t.name === "run_code")?.description).toContain("tools.<source>.<connection>.<tool>(args)");
    await c.close();
  });

  it("runs a TypeScript script that searches, calls three tools across an OpenAPI and a GraphQL source, and joins the results", async () => {
    const c = await connect(owner.key);
    const out = await runCode(
      c,
      `type Pet = { id: number; name: string };
       const found = await tools.search("list pets");
       const list = (await tools.pets.work.listPets({ limit: 2 })) as Pet[];
       const rex = (await tools.pets.work.getPet({ petId: 1 })) as Pet;
       const repo = (await tools.gh.work.query_repo({ name: "executor" })) as { name: string; stars: number };
       const described = await tools.describe(found[0].address);
       console.log("found", found.length);
       return { names: list.map((p) => p.name), first: rex.name, repo: repo.name + ":" + repo.stars, typed: typeof described.typescript?.text === "string" };`,
    );
    expect(out.isError, out.text).toBe(false);
    expect(out.data.result).toEqual({ names: ["Rex", "Tom"], first: "Rex", repo: "executor:42", typed: true });
    expect(out.data.logs).toEqual([expect.stringMatching(/^\[log\] found \d+$/)]);
    const runId = String(out.data.runId);
    const parent = (await api.get(`/v1/runs/${runId}`)).body.run as Run;
    expect(parent).toMatchObject({ status: "succeeded", surface: "mcp", sandbox: "dynamic-worker", parentRunId: null });
    const calls = await children(runId);
    expect(calls.map((r) => r.address.split(".")[3]).sort()).toEqual(["getPet", "listPets", "query_repo"]);
    for (const call of calls) expect(call).toMatchObject({ status: "succeeded", surface: "sandbox", parentRunId: runId });
    await c.close();
  });

  it("hands a gated call back as a typed pending result; approved later, it runs exactly once", async () => {
    const c = await connect(owner.key);
    const out = await runCode(c, `const r = await tools.pets.work.deletePet({ petId: 2 });\nreturn { pending: tools.isPending(r), r };`);
    expect(out.isError, out.text).toBe(false);
    const { pending, r } = out.data.result as { pending: boolean; r: { status: string; runId: string; address: string; reviewLink: string } };
    expect(pending).toBe(true);
    expect(r).toMatchObject({ status: "pending_approval", address: `pets.${owner.orgId}.work.deletePet` });
    expect(r.reviewLink).toContain("/approvals/review/");
    const deletes = (): number => pets.seen.filter((s) => s.method === "DELETE").length;
    expect(deletes()).toBe(0);
    const approver = client(platform.baseUrl, owner.approverKey);
    const approved = await approver.post(`/v1/runs/${r.runId}/approve`);
    expect(approved.status, approved.text).toBe(200);
    expect((await approver.post(`/v1/runs/${r.runId}/approve`)).status).toBe(409);
    expect(deletes()).toBe(1);
    const child = (await api.get(`/v1/runs/${r.runId}`)).body.run as Run;
    expect(child).toMatchObject({ status: "succeeded", parentRunId: String(out.data.runId), surface: "sandbox" });
    await c.close();
  });

  it("lets a toolkit-bound key's code reach only its toolkit: outside tools are refused and never reach the upstream", async () => {
    const kit = await api.post("/v1/toolkits", { slug: "list-code", title: "List, with code", tools: [`pets.${owner.orgId}.work.listPets`], patterns: [], runCode: true });
    expect(kit.status, kit.text).toBe(201);
    const key = await client(platform.baseUrl, owner.approverKey).post("/v1/api-keys", { name: "bound coder", toolkit: `${owner.orgId}/list-code` });
    expect(key.status, key.text).toBe(201);
    const c = await connect(String(key.body.key));
    const before = pets.seen.length;
    const out = await runCode(
      c,
      `const ok = await tools.pets.work.listPets({ limit: 1 });
       const outside = await tools.pets.work.getPet({ petId: 1 }).then(() => "reached", (e) => e.code);
       const other = await tools.gh.work.query_viewer({}).then(() => "reached", (e) => e.code);
       return { ok: ok.length, outside, other };`,
    );
    expect(out.data.result).toEqual({ ok: 1, outside: "not-found", other: "not-found" });
    expect(pets.seen.slice(before).map((s) => s.path)).toEqual(["/pets?limit=1"]);
    await c.close();
  });

  it("does not list run_code for a toolkit that withholds it, and refuses it if called anyway", async () => {
    const kit = await api.post("/v1/toolkits", { slug: "list-only", title: "List", tools: [`pets.${owner.orgId}.work.listPets`], patterns: [] });
    expect(kit.status).toBe(201);
    const key = await client(platform.baseUrl, owner.approverKey).post("/v1/api-keys", { name: "bound", toolkit: `${owner.orgId}/list-only` });
    const c = await connect(String(key.body.key));
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name)).not.toContain("run_code");
    await expect(c.callTool({ name: "run_code", arguments: { code: "return 1" } })).rejects.toThrow(/unknown tool/);
    const http = await client(platform.baseUrl, String(key.body.key)).post("/v1/code", { code: "return 1" });
    expect(http.status).toBe(403);
    await c.close();
  });

  it("answers errors clearly over HTTP: a syntax error with line and column, a throw with its Run, and keeps earlier calls", async () => {
    const syntax = await api.post("/v1/code", { code: "const a = 1;\nconst = 2;" });
    expect(syntax.status).toBe(422);
    expect(syntax.body).toMatchObject({ errors: [{ path: "code", line: 2 }] });
    const thrown = await api.post("/v1/code", { code: "await tools.pets.work.listPets({});\nthrow new Error('stop here');" });
    expect(thrown.status).toBe(422);
    expect(thrown.body).toMatchObject({ type: "/problems/code-failed", detail: "Error: stop here", errors: [{ line: 2 }] });
    const failedRun = String(thrown.body.runId);
    expect(((await api.get(`/v1/runs/${failedRun}`)).body.run as Run).status).toBe("failed");
    expect((await children(failedRun)).map((r) => r.status)).toEqual(["succeeded"]);
    const ok = await api.post("/v1/code", { code: "return (await tools.pets.work.listPets({ limit: 1 })).length" });
    expect(ok.status).toBe(200);
    expect(ok.body.result).toBe(1);
  });

  it("stops at the budget of calls per run: the 101st call is refused and makes no upstream request", async () => {
    const before = pets.seen.length;
    const res = await api.post("/v1/code", {
      code: `let made = 0;
             for (let i = 0; i < 105; i++) {
               try { await tools.pets.work.listPets({ limit: 1 }); made++; } catch (e) { return { made, code: e.code, message: e.message }; }
             }
             return { made };`,
      timeoutMs: 60_000,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result).toMatchObject({ made: 100, code: "conflict", message: expect.stringContaining("budget") });
    expect(pets.seen.length - before).toBe(100);
  });

  it("never shows a connection's secret to the code, the client or the Runs", async () => {
    const everything = [...transcript, (await api.get("/v1/runs/export")).text, platform.output()].join("\n");
    for (const secret of [PETS_SECRET, GQL_SECRET]) expect(everything).not.toContain(secret);
  });
});
