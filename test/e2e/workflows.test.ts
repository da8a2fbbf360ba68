import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import type { Platform } from "./platform";
import { freePort, removeDataDir, startPlatform, tempDataDir } from "./platform";
import { startGithub } from "./upstreams/github-issues";
import type { GithubStandIn } from "./upstreams/github-issues";
import { createHmac } from "node:crypto";
import { loadIssuesWorkflow } from "./workflow-fixtures";

type Run = { id: string; address: string; status: string; parentRunId: string | null; surface: string };

// Workflows end to end on a real platform: deployed as artifacts, fired by the (advanced) clock, a
// signed webhook and by hand; each step a child Run; a platform killed mid-workflow finishes it
// after restart without running a write step twice.
describe("workflows and triggers", () => {
  const TOKEN = "ghp_canary_workflow_7d2e";
  let platform: Platform;
  let github: GithubStandIn;
  let owner: Account;
  let api: ReturnType<typeof client>;
  const dataDir = tempDataDir();
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    [platform, github] = await Promise.all([startPlatform({ dataDir, port }), startGithub(TOKEN)]);
    owner = await signUpWithKey(platform.baseUrl, "workflows-e2e@example.com", ["administer", "approve", "manage-keys", "trigger-register"]);
    api = client(platform.baseUrl, owner.key);
    const added = await api.post("/v1/sources", { slug: "github", kind: "openapi", config: { url: `${github.url}/openapi.json` }, local: true, connection: { name: "work", secret: TOKEN } });
    expect(added.status).toBe(201);
  });

  afterAll(async () => {
    await Promise.all([platform?.stop(), github?.close()]);
    removeDataDir(dataDir);
  });

  const deploy = (files: Record<string, string>, check = false) => api.post("/v1/artifacts/deploy", { files, check });
  const runsOf = async (parent: string): Promise<Run[]> => ((await api.get(`/v1/runs?limit=100`)).body.runs as Run[]).filter((r) => r.parentRunId === parent);

  async function finished(name: string, instanceId: string): Promise<{ status: string; output: { result?: unknown } | null }> {
    let status: { status: string; output: { result?: unknown } | null } = { status: "queued", output: null };
    await expect
      .poll(async () => {
        status = (await api.get(`/v1/workflows/${owner.orgId}/${name}/runs/${instanceId}`)).body as typeof status;
        return status.status;
      }, { timeout: 60_000, interval: 250 })
      .toMatch(/complete|errored|terminated/);
    return status;
  }

  it("refuses a definition that names a missing step or tool, a bad cron or a mistyped mapping, deploying nothing", async () => {
    // What needs no catalog: a schedule that is not one, a reference to a step that does not come before.
    const bad = {
      "executor/workflows/broken.yaml": `triggers: { cron: "61 9 * * *" }
steps:
  - id: a
    tool: github.${owner.orgId}.work.listIssues
    args: { owner: acme, repo: app, state: "\${steps.later.output}" }
  - id: later
    code: return 1
`,
    };
    const res = await deploy(bad, true);
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const paths = (res.body.errors as Array<{ path: string }>).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["workflows/broken.yaml#triggers.cron", "workflows/broken.yaml#steps[0].args.state"]));
    // What the catalog says: a tool that does not exist, an argument of the wrong type, one missing.
    const typed = await deploy({
      "executor/workflows/typed.yaml": `steps:\n  - id: a\n    tool: github.${owner.orgId}.work.listIssues\n    args: { owner: 7 }\n  - id: b\n    tool: github.${owner.orgId}.work.noSuchTool\n`,
    }, true);
    expect(typed.status).toBe(422);
    const typedPaths = (typed.body.errors as Array<{ path: string }>).map((e) => e.path);
    expect(typedPaths).toEqual(expect.arrayContaining(["workflows/typed.yaml#steps[0].args.owner", "workflows/typed.yaml#steps[0].args.repo", "workflows/typed.yaml#steps[1].tool"]));
    expect((await api.get("/v1/workflows")).body.workflows).toEqual([]);
    expect((await api.get("/v1/artifacts/history")).body.commits).toEqual([]);
  });

  it("runs at 9:00 by the clock: each step a child Run of the workflow's Run, the issues in the store", async () => {
    const res = await deploy({ "executor/workflows/load-issues.yaml": loadIssuesWorkflow(owner.orgId) });
    expect(res.status).toBe(201);
    expect(res.body.workflows).toMatchObject({ added: ["load-issues"], triggers: [{ workflow: "load-issues", cron: "0 9 * * *" }] });
    const shown = (await api.get(`/v1/workflows/${owner.orgId}/load-issues`)).body.workflow as { nextRunAt: string; steps: Array<{ sideEffect: string }> };
    expect(shown.steps.map((s) => s.sideEffect)).toEqual(["write", "read", "code", "write"]);
    // Before 9:00 nothing fires; at 9:00 (the clock advanced, never slept) it does.
    const next = Date.parse(shown.nextRunAt);
    expect((await api.post("/dev/workflows/tick", { scope: owner.orgId, now: new Date(next - 60_000).toISOString() })).body.started).toEqual([]);
    const fired = (await api.post("/dev/workflows/tick", { scope: owner.orgId, now: new Date(next).toISOString() })).body.started as string[];
    expect(fired).toHaveLength(1);
    const done = await finished("load-issues", fired[0] ?? "");
    expect(done.status).toBe("complete");
    const rows = await api.post("/v1/call", { address: `store.${owner.orgId}.issues.query`, arguments: { sql: "SELECT number, title FROM issues ORDER BY number" } });
    expect(rows.body.result).toMatchObject({ rows: [{ number: 1, title: "Crash on start" }, { number: 2, title: "Docs typo" }] });
    const parent = ((await api.get(`/v1/runs?limit=100`)).body.runs as Run[]).find((r) => r.address === `workflow.${owner.orgId}.load-issues.run`);
    expect(parent).toMatchObject({ status: "succeeded", surface: "workflow" });
    const children = await runsOf(parent?.id ?? "");
    expect(children.map((r) => r.address).sort()).toEqual([`code.${owner.orgId}.sandbox.run_code`, `github.${owner.orgId}.work.listIssues`, `store.${owner.orgId}.issues.exec`, `store.${owner.orgId}.issues.exec`].sort());
    expect(children.every((r) => r.status === "succeeded" && r.surface === "workflow")).toBe(true);
    const state = (await api.get(`/v1/workflows/${owner.orgId}/load-issues`)).body.workflow as { firings: Array<{ kind: string; outcome: string }>; nextRunAt: string };
    expect(state.firings[0]).toMatchObject({ kind: "cron", outcome: "started" });
    expect(Date.parse(state.nextRunAt)).toBe(next + 86_400_000);
    expect(JSON.stringify((await api.get(`/v1/runs?limit=100`)).body)).not.toContain(TOKEN);
  });

  it("finishes a workflow the platform was killed in the middle of, without running a write step twice", async () => {
    github.hold();
    const started = await api.post(`/v1/workflows/${owner.orgId}/load-issues/run`, { payload: { why: "restart test" } });
    expect(started.status).toBe(202);
    const instanceId = started.body.instanceId as string;
    // The first write (the table) is done and the read is in flight: kill everything.
    await expect.poll(() => github.held(), { timeout: 30_000 }).toBe(1);
    await platform.kill();
    github.issues.push({ number: 4, title: "Added while down", state: "open" });
    github.release();
    platform = await startPlatform({ dataDir, port });
    api = client(platform.baseUrl, owner.key);
    const done = await finished("load-issues", instanceId);
    expect(done.status).toBe("complete");
    const rows = await api.post("/v1/call", { address: `store.${owner.orgId}.issues.query`, arguments: { sql: "SELECT count(*) AS n FROM issues" } });
    expect(rows.body.result).toMatchObject({ rows: [{ n: 3 }] });
    const runs = (await api.get(`/v1/runs?limit=200`)).body.runs as Run[];
    const parent = runs.find((r) => r.address === `workflow.${owner.orgId}.load-issues.run` && r.status === "succeeded" && runs.some((c) => c.parentRunId === r.id && c.address.endsWith("listIssues") && c.status !== "succeeded"));
    const writes = runs.filter((r) => r.parentRunId === (parent?.id ?? "_") && r.address === `store.${owner.orgId}.issues.exec`);
    expect(writes).toHaveLength(2); // the table once, the rows once
  });

  it("fires on a signed webhook only; an unsigned or badly signed one is refused and runs nothing", async () => {
    const hook = `triggers: { webhook: true }\nsteps:\n  - id: note\n    tool: store.${owner.orgId}.issues.exec\n    args:\n      sql: INSERT OR REPLACE INTO issues (number, title, state, loaded_at) VALUES (?, ?, 'open', ?)\n      params: ["\${trigger.payload.number}", "\${trigger.payload.title}", "\${trigger.firedAt}"]\n`;
    const res = await deploy({ "executor/workflows/load-issues.yaml": loadIssuesWorkflow(owner.orgId), "executor/workflows/on-issue.yaml": hook });
    expect(res.status).toBe(201);
    const [created] = res.body.webhooks as Array<{ url: string; secret: string }>;
    expect(created?.url).toMatch(new RegExp(`^${platform.baseUrl}/hooks/workflows/${owner.orgId}/on-issue/whk_[0-9a-z]+$`));
    const body = JSON.stringify({ number: 9, title: "From a webhook" });
    const t = Math.floor(Date.now() / 1000);
    const sign = (secret: string) => `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
    const post = (signature?: string) => fetch(created?.url ?? "", { method: "POST", headers: { "content-type": "application/json", ...(signature ? { "x-executor-signature": signature } : {}) }, body });
    expect((await post()).status).toBe(401);
    expect((await post(sign("whsec_wrong"))).status).toBe(401);
    const before = ((await api.get(`/v1/workflows/${owner.orgId}/on-issue`)).body.workflow as { firings: unknown[] }).firings;
    expect(before).toEqual([]);
    const signed = sign(created?.secret ?? "");
    const ok = await post(signed);
    expect(ok.status).toBe(202);
    const { instanceId } = (await ok.json()) as { instanceId: string };
    // The same signed request again is a replay: refused, nothing started.
    expect((await post(signed)).status).toBe(409);
    // Another id for the same workflow, or a huge body, is refused before anything is looked up.
    const other = (created?.url ?? "").replace(/whk_[0-9a-z]+$/, "whk_00000000000000000000000000000000");
    expect((await fetch(other, { method: "POST", headers: { "content-type": "application/json", "x-executor-signature": signed }, body })).status).toBe(401);
    const huge = "x".repeat(300 * 1024);
    expect((await fetch(created?.url ?? "", { method: "POST", headers: { "x-executor-signature": sign("whsec_x") }, body: huge })).status).toBe(413);
    expect((await finished("on-issue", instanceId)).status).toBe("complete");
    const row = await api.post("/v1/call", { address: `store.${owner.orgId}.issues.query`, arguments: { sql: "SELECT title FROM issues WHERE number = 9" } });
    expect(row.body.result).toMatchObject({ rows: [{ title: "From a webhook" }] });
    expect(JSON.stringify((await api.get(`/v1/workflows/${owner.orgId}/on-issue`)).body)).not.toContain(created?.secret ?? "-");
  });

  it("creates and runs a workflow over MCP only with the trigger-register capability", async () => {
    const mint = async (capabilities: string[]) => ((await api.post("/v1/api-keys", { name: `mcp-${capabilities.join("-") || "none"}`, capabilities })).body.key as string);
    const connect = async (key: string) => {
      const c = new Client({ name: "workflow-agent", version: "1.0.0" });
      await c.connect(new StreamableHTTPClientTransport(new URL("/mcp", platform.baseUrl), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
      return c;
    };
    const plain = await connect(await mint([]));
    expect((await plain.listTools()).tools.map((t) => t.name)).not.toContain("create_workflow");
    await expect(plain.callTool({ name: "create_workflow", arguments: { name: "x", definition: "steps: []" } })).rejects.toThrow(/unknown tool/);
    await plain.close();

    const agent = await connect(await mint(["trigger-register"]));
    expect((await agent.listTools()).tools.map((t) => t.name)).toEqual(expect.arrayContaining(["create_workflow", "run_workflow"]));
    const bad = await agent.callTool({ name: "create_workflow", arguments: { name: "notes", definition: `steps:\n  - id: a\n    tool: store.${owner.userId}.notes.put\n    args: { value: 1 }\n` } });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toMatch(/steps\[0\]/);
    const definition = `stores:\n  - { name: notes, kind: kv }\nsteps:\n  - id: save\n    tool: store.${owner.userId}.notes.put\n    args: { key: last, value: "\${trigger.payload}" }\n`;
    const made = await agent.callTool({ name: "create_workflow", arguments: { name: "notes", definition } });
    expect(made.isError, JSON.stringify(made.content)).not.toBe(true);
    const ran = await agent.callTool({ name: "run_workflow", arguments: { name: "notes", payload: { hello: "world" } } });
    expect(ran.isError, JSON.stringify(ran.content)).not.toBe(true);
    const instanceId = (ran.structuredContent as { instanceId: string }).instanceId;
    await expect
      .poll(async () => (await api.get(`/v1/workflows/${owner.userId}/notes/runs/${instanceId}`)).body.status, { timeout: 60_000, interval: 250 })
      .toBe("complete");
    const got = await api.post("/v1/call", { address: `store.${owner.userId}.notes.get`, arguments: { key: "last" } });
    expect(got.body.result).toMatchObject({ found: true, value: { hello: "world" } });
    await agent.close();
  });

  it("never lends a workflow more than its deploying credential has: capability, toolkit, liveness", async () => {
    const mint = async (capabilities: string[], toolkit?: string) => {
      const res = await api.post("/v1/api-keys", { name: `k-${Math.random().toString(36).slice(2, 8)}`, capabilities, ...(toolkit ? { toolkit } : {}) });
      expect(res.status, res.text).toBe(201);
      return { key: res.body.key as string, id: (res.body.apiKey as { id: string }).id };
    };
    const definition = (step: string, stores = "") => `${stores}steps:\n  - id: a\n    tool: ${step}\n`;
    // Placing a trigger needs trigger-register on /v1 too, not only over MCP.
    const adminOnly = await mint(["administer"]);
    const refused = await client(platform.baseUrl, adminOnly.key).post("/v1/artifacts/deploy", { scope: "user", files: { "executor/workflows/sneaky.yaml": definition(`executor.${owner.orgId}.platform.runs/list`) } });
    expect(refused.status).toBe(403);

    // A toolkit-bound author: its workflow stays bound (a whole-authority action fails inside it too),
    // and it cannot have a workflow make stores it could not make itself.
    expect((await api.post("/v1/toolkits", { slug: "runs-agent", title: "Runs agent", tools: [], patterns: ["executor.*.*.runs/*"] })).status).toBe(201);
    const bound = await mint(["trigger-register"], `${owner.orgId}/runs-agent`);
    const asBound = client(platform.baseUrl, bound.key);
    expect((await asBound.post("/v1/call", { address: `executor.${owner.orgId}.platform.runs/list`, arguments: {} })).status).toBe(403);
    // Over MCP (where a bound key may author into its own scope):
    const agent = new Client({ name: "bound-agent", version: "1.0.0" });
    await agent.connect(new StreamableHTTPClientTransport(new URL("/mcp", platform.baseUrl), { requestInit: { headers: { authorization: `Bearer ${bound.key}` } } }));
    const withStore = await agent.callTool({ name: "create_workflow", arguments: { name: "loot", definition: definition(`executor.${owner.orgId}.platform.runs/list`, "stores:\n  - { name: loot, kind: kv }\n") } });
    expect(withStore.isError).toBe(true);
    const peekMade = await agent.callTool({ name: "create_workflow", arguments: { name: "peek", definition: definition(`executor.${owner.orgId}.platform.runs/list`) } });
    expect(peekMade.isError, JSON.stringify(peekMade.content)).not.toBe(true);
    await agent.close();
    const peek = await api.post(`/v1/workflows/${owner.userId}/peek/run`, {});
    expect(peek.status).toBe(202);
    let done: { status: string; output: { status?: string } | null } = { status: "", output: null };
    await expect.poll(async () => (done = (await api.get(`/v1/workflows/${owner.userId}/peek/runs/${peek.body.instanceId as string}`)).body as typeof done).status, { timeout: 60_000 }).toBe("complete");
    expect(done.output?.status).toBe("failed");

    // A workflow set up by a key stops when the key is revoked.
    const keyed = await mint(["administer", "trigger-register"]);
    await api.post("/v1/stores", { scope: "user", name: "keyed", kind: "kv" });
    const made = await client(platform.baseUrl, keyed.key).post("/v1/artifacts/deploy", {
      scope: "user",
      files: { "executor/workflows/keyed.yaml": `steps:\n  - id: a\n    tool: store.${owner.userId}.keyed.put\n    args: { key: k, value: 1 }\n` },
    });
    expect(made.status, made.text).toBe(201);
    expect((await api.delete(`/v1/api-keys/${keyed.id}`)).status).toBe(200);
    const started = await api.post(`/v1/workflows/${owner.userId}/keyed/run`, {});
    expect(started.status).toBe(202);
    await expect.poll(async () => (await api.get(`/v1/workflows/${owner.userId}/keyed/runs/${started.body.instanceId as string}`)).body.status, { timeout: 60_000 }).toBe("errored");
    expect((await api.post("/v1/call", { address: `store.${owner.userId}.keyed.get`, arguments: { key: "k" } })).body.result).toMatchObject({ found: false });
  });
});
