import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import { startPetstore } from "./upstreams/petstore";

type Run = { id: string; status: string; address: string };

describe("toolkit routes for customer backends", () => {
  let platform: Platform;
  let pets: Awaited<ReturnType<typeof startPetstore>>;
  let owner: Account;
  let api: ReturnType<typeof client>;
  let admin: ReturnType<typeof client>;
  let backendKey = "";
  const route = (tool: string, kit = "backend"): string => `/v1/toolkits/${owner.orgId}/${kit}/tools/pets/${tool}`;

  beforeAll(async () => {
    [platform, pets] = await Promise.all([startPlatform({ env: { EXECUTOR_SCOPE_DAILY_CALLS: "40" } }), startPetstore()]);
    owner = await signUpWithKey(platform.baseUrl, "routes@example.com");
    api = client(platform.baseUrl, owner.key);
    admin = client(platform.baseUrl, owner.approverKey);
    expect((await api.post("/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${pets.url}/openapi.json` }, local: true, connection: { name: "work", secret: "routes-secret" } })).status).toBe(201);
    expect((await api.post("/v1/connections", { source: "pets", name: "spare", secret: "routes-spare" })).status).toBe(201);
    const kit = await api.post("/v1/toolkits", {
      slug: "backend",
      title: "Backend",
      tools: [],
      patterns: [`pets.${owner.orgId}.work.*`],
      rateLimitPerMinute: 30,
    });
    expect(kit.status, kit.text).toBe(201);
    const key = await admin.post("/v1/api-keys", { name: "backend", toolkit: `${owner.orgId}/backend`, rateLimitPerMinute: 12 });
    expect(key.status, key.text).toBe(201);
    backendKey = String(key.body.key);
  });

  afterAll(async () => {
    await Promise.all([platform?.stop(), pets?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  it("calls a tool by its route with a toolkit-bound key, through the one invocation path", async () => {
    const backend = client(platform.baseUrl, backendKey);
    const res = await backend.post(route("getPet"), { petId: 1 });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result).toEqual({ id: 1, name: "Rex" });
    expect((res.body.run as Run).address).toBe(`pets.${owner.orgId}.work.getPet`);
    expect(res.headers.get("ratelimit-policy")).toContain('"key";q=12;w=60');
    expect(res.headers.get("ratelimit")).toMatch(/"key";r=\d+;t=\d+/);
  });

  it("answers 422 naming the field for bad arguments, and 404 for a tool the toolkit does not expose", async () => {
    const backend = client(platform.baseUrl, backendKey);
    const bad = await backend.post(route("getPet"), { petId: "x" });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body.errors)).toContain("petId");
    expect((await backend.post(route("noSuchTool"), {})).status).toBe(404);
    expect((await backend.post(`/v1/toolkits/${owner.orgId}/nope/tools/pets/getPet`, {})).status).toBe(404);
  });

  it("answers a gated call 202 with the Run and a Location to poll, and honours Idempotency-Key", async () => {
    const backend = client(platform.baseUrl, backendKey);
    const first = await backend.post(route("deletePet"), { petId: 2 }, { "idempotency-key": "del-2" });
    expect(first.status, first.text).toBe(202);
    const run = first.body.run as Run;
    expect(first.headers.get("location")).toBe(`/v1/runs/${run.id}`);
    const again = await backend.post(route("deletePet"), { petId: 2 }, { "idempotency-key": "del-2" });
    expect((again.body.run as Run).id).toBe(run.id);
  });

  it("needs the connection named when several reach a tool, and never picks one silently", async () => {
    const kit = await api.post("/v1/toolkits", { slug: "both", title: "Both", tools: [], patterns: [`pets.${owner.orgId}.*.listPets`] });
    expect(kit.status).toBe(201);
    const unnamed = await api.post(route("listPets", "both"), {});
    expect(unnamed.status).toBe(422);
    expect(String(unnamed.body.detail)).toContain("spare");
    const named = await api.post(`${route("listPets", "both")}?connection=spare`, {});
    expect(named.status, named.text).toBe(200);
    expect((named.body.run as Run).address).toBe(`pets.${owner.orgId}.spare.listPets`);
    const defaulted = await api.patch("/v1/toolkits/both", { defaultConnections: { pets: "work" } });
    expect(defaulted.status, defaulted.text).toBe(200);
    expect(((await api.post(route("listPets", "both"), {})).body.run as Run).address).toBe(`pets.${owner.orgId}.work.listPets`);
  });

  it("limits a key per minute with 429, Retry-After and RateLimit headers", async () => {
    const key = await admin.post("/v1/api-keys", { name: "tiny", toolkit: `${owner.orgId}/backend`, rateLimitPerMinute: 2 });
    const tiny = client(platform.baseUrl, String(key.body.key));
    expect((await tiny.post(route("listPets"), {})).status).toBe(200);
    expect((await tiny.post(route("listPets"), {})).status).toBe(200);
    const third = await tiny.post(route("listPets"), {});
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(third.headers.get("ratelimit-policy")).toContain('"key";q=2;w=60');
    // Another key of the same toolkit is not held back by this key's limit.
    expect((await client(platform.baseUrl, backendKey).post(route("listPets"), {})).status).toBe(200);
  });

  it("keeps a pinned toolkit's routes on the promoted version: a changed tool stops until promoted again", async () => {
    const promoted = await api.post("/v1/toolkits/backend/promote");
    expect(promoted.status, promoted.text).toBe(200);
    expect(promoted.body.toolkit).toMatchObject({ pinned: true, version: 1 });
    const backend = client(platform.baseUrl, backendKey);
    const ok = await backend.post(route("getPet"), { petId: 1 });
    expect(ok.headers.get("x-toolkit-version")).toBe("1");
    // A refresh that changes getPet's description changes its hash.
    pets.specPatch = (spec) => {
      (spec as { paths: Record<string, Record<string, { summary?: string }>> }).paths["/pets/{petId}"]!.get!.summary = "Get one pet (v2)";
    };
    expect((await api.post("/v1/sources/pets/refresh")).status).toBe(200);
    expect((await backend.post(route("getPet"), { petId: 1 })).status).toBe(409);
    expect((await api.post("/v1/toolkits/backend/promote")).body.toolkit).toMatchObject({ version: 2 });
    expect((await backend.post(route("getPet"), { petId: 1 })).status).toBe(200);
  });

  it("spends the scope's daily quota with a clear 429", async () => {
    let status = 200;
    // The "both" toolkit has no per-minute limit, so only the quota (40 a day here) can stop it.
    for (let i = 0; i < 45 && status !== 429; i++) status = (await api.post(route("listPets", "both"), {})).status;
    expect(status).toBe(429);
    const res = await api.post(route("listPets", "both"), {});
    expect(String(res.body.detail)).toContain("quota");
  });
});
