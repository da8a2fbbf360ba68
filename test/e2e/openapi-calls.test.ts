import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import { startPetstore } from "./upstreams/petstore";

// A canary secret: planted in a connection, it must appear nowhere but on the wire to the upstream.
const CANARY = "canary-7c1f0e9a-secret-token";

describe("OpenAPI source → connection → calls through /v1, with policies, approvals and Runs", () => {
  let platform: Platform;
  let petstore: Awaited<ReturnType<typeof startPetstore>>;
  let owner: Account;
  const transcript: string[] = [];
  let api: ReturnType<typeof client>;
  let approver: ReturnType<typeof client>;
  const address = (tool: string): string => `pets.${owner.orgId}.work.${tool}`;

  beforeAll(async () => {
    [platform, petstore] = await Promise.all([startPlatform(), startPetstore()]);
    owner = await signUpWithKey(platform.baseUrl, "owner@example.com");
    api = client(platform.baseUrl, owner.key, transcript);
    approver = client(platform.baseUrl, owner.approverKey, transcript);
  });

  afterAll(async () => {
    await Promise.all([platform?.stop(), petstore?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  it("refuses a loopback source not marked local, and stores nothing", async () => {
    const res = await api.post("/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${petstore.url}/openapi.json` } });
    expect(res.status).toBe(422);
    expect(String(res.body.detail)).toMatch(/refused|loopback/);
    expect(((await api.get("/v1/sources")).body.sources as Array<{ kind: string }>).filter((s) => s.kind !== "executor" && s.kind !== "store")).toEqual([]); // only the built-in sources
  });

  it("imports the OpenAPI description and adds a named connection holding a vault secret", async () => {
    const res = await api.post("/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${petstore.url}/openapi.json` }, local: true });
    expect(res.status).toBe(201);
    expect((res.body.tools as { added: string[] }).added.sort()).toEqual(["createPet", "deletePet", "echoFailure", "getPet", "listPets", "slowPets"]);
    // W3C Server-Timing, by stage: what bench/import-github.ts reports.
    const stages = [...(res.headers.get("server-timing") ?? "").matchAll(/([a-z]+);dur=[\d.]+/g)].map((m) => m[1]);
    expect(stages).toEqual(["auth", "read", "credential", "resolve", "checks", "catalog", "respond"]);
    const conn = await api.post("/v1/connections", { source: "pets", name: "work", secret: CANARY });
    expect(conn.status).toBe(201);
    expect((conn.body.connection as { secretRef: string }).secretRef).toMatch(/^vault:\/\//);
  });

  it("finds tools by search and describes one with the caller's policy state", async () => {
    const found = await api.get("/v1/tools?q=delete%20pet");
    expect((found.body.tools as Array<{ address: string }>)[0]?.address).toBe(address("deletePet"));
    const described = await api.get(`/v1/tools/describe?address=${encodeURIComponent(address("deletePet"))}`);
    expect(described.status).toBe(200);
    expect(described.body.policy).toMatchObject({ outcome: "require_approval" });
  });

  it("calls a read tool with the connection's credential on the wire and records a Run", async () => {
    const res = await api.post("/v1/call", { address: address("listPets"), arguments: { limit: 1 } });
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual([{ id: 1, name: "Rex" }]);
    const last = petstore.seen[petstore.seen.length - 1];
    expect(last?.path).toBe("/pets?limit=1");
    expect(last?.headers.authorization).toBe(`Bearer ${CANARY}`);
    const run = res.body.run as { id: string; status: string; localEgress: boolean };
    expect(run.status).toBe("succeeded");
    expect(run.localEgress).toBe(true);
    expect((await api.get(`/v1/runs/${run.id}`)).body.run).toMatchObject({ status: "succeeded" });
  });

  it("validates arguments before anything is sent upstream", async () => {
    const before = petstore.seen.length;
    const res = await api.post("/v1/call", { address: address("getPet"), arguments: { petId: "not-a-number" } });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body.runId).toMatch(/^run_/);
    expect(petstore.seen.length).toBe(before);
  });

  it("holds a destructive call for approval, then runs it exactly once with the approved arguments", async () => {
    const pending = await api.post("/v1/call", { address: address("deletePet"), arguments: { petId: 2 } });
    expect(pending.status).toBe(202);
    const run = pending.body.run as { id: string; status: string };
    expect(run.status).toBe("pending_approval");
    expect(petstore.seen.some((s) => s.method === "DELETE")).toBe(false);
    const [a, b] = await Promise.all([approver.post(`/v1/runs/${run.id}/approve`, { comment: "ok" }), approver.post(`/v1/runs/${run.id}/approve`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(petstore.seen.filter((s) => s.method === "DELETE").map((s) => s.path)).toEqual(["/pets/2"]);
    const again = await approver.post(`/v1/runs/${run.id}/approve`);
    expect(again.status).toBe(409);
  });

  it("refuses the credential that made a gated call approving it", async () => {
    const pending = await api.post("/v1/call", { address: address("deletePet"), arguments: { petId: 1 } });
    const id = (pending.body.run as { id: string }).id;
    const self = await api.post(`/v1/runs/${id}/approve`);
    expect(self.status).toBe(403);
    expect((await api.get(`/v1/runs/${id}`)).body.run).toMatchObject({ status: "pending_approval" });
    expect((await approver.post(`/v1/runs/${id}/deny`)).status).toBe(200);
  });

  it("denies a pending call, which then never runs", async () => {
    const pending = await api.post("/v1/call", { address: address("deletePet"), arguments: { petId: 1 } });
    const id = (pending.body.run as { id: string }).id;
    // Deciding needs the approve capability (DESIGN invariant 9): the calling key cannot deny either.
    expect((await api.post(`/v1/runs/${id}/deny`, { comment: "no" })).status).toBe(403);
    const denied = await approver.post(`/v1/runs/${id}/deny`, { comment: "no" });
    expect((denied.body.run as { status: string }).status).toBe("denied");
    expect((await approver.post(`/v1/runs/${id}/approve`)).status).toBe(409);
    expect(petstore.pets.has(1)).toBe(true);
  });

  it("blocks by policy with the reason, recording a rejected Run", async () => {
    const policy = await api.post("/v1/policies", { target: { source: "pets", tools: "create*" }, action: "block" });
    expect(policy.status).toBe(201);
    const res = await api.post("/v1/call", { address: address("createPet"), arguments: { name: "Nemo" } });
    expect(res.status).toBe(403);
    expect(String(res.body.detail)).toMatch(/block/i);
    const runs = await api.get(`/v1/runs?status=rejected&tool=${encodeURIComponent(address("createPet"))}`);
    expect((runs.body.runs as unknown[]).length).toBe(1);
  });

  it("answers an upstream failure that echoes headers without leaking the secret", async () => {
    const res = await api.post("/v1/call", { address: address("echoFailure"), arguments: {} });
    expect(res.status).toBe(502);
    expect(res.body.runId).toMatch(/^run_/);
    expect(petstore.seen[petstore.seen.length - 1]?.headers.authorization).toBe(`Bearer ${CANARY}`);
  });

  it("answers 404 for an unknown address and 422 for a malformed one, recording nothing", async () => {
    const before = ((await api.get("/v1/runs?limit=200")).body.runs as unknown[]).length;
    expect((await api.post("/v1/call", { address: `pets.${owner.orgId}.work.nope`, arguments: {} })).status).toBe(404);
    expect((await api.post("/v1/call", { address: "not an address", arguments: {} })).status).toBe(422);
    expect(((await api.get("/v1/runs?limit=200")).body.runs as unknown[]).length).toBe(before);
  });

  it("verifies the run ledger's hash chain", async () => {
    const verified = await api.get("/v1/runs/verify");
    expect(verified.body).toMatchObject({ ok: true });
    expect(verified.body.events as number).toBeGreaterThan(5);
  });

  it("never shows the canary in any answer, Run or log line", async () => {
    const runs = await api.get("/v1/runs?limit=200");
    expect(runs.text).not.toContain(CANARY);
    expect(transcript.join("\n")).not.toContain(CANARY);
    expect(platform.output()).not.toContain(CANARY);
  });
});
