import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import type { Platform } from "./platform";
import { freePort, removeDataDir, startPlatform, tempDataDir } from "./platform";
import { json, serve } from "./upstreams/http-server";
import type { Upstream } from "./upstreams/http-server";
import { petstoreSpec, startPetstore } from "./upstreams/petstore";

const ORG_SECRET = "org-bound-worker-secret-77";

describe("authority and secrets at the edges", () => {
  const dataDir = tempDataDir();
  let port: number;
  let platform: Platform;
  let petstore: Awaited<ReturnType<typeof startPetstore>>;
  let badSchema: Upstream;
  let owner: Account;
  let stranger: Account;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    port = await freePort();
    [platform, petstore] = await Promise.all([startPlatform({ dataDir, port }), startPetstore()]);
    owner = await signUpWithKey(platform.baseUrl, "edges-owner@example.com");
    stranger = await signUpWithKey(platform.baseUrl, "edges-stranger@example.com");
    // Restart with a Worker secret assigned to the owner's org by name.
    await platform.stop();
    platform = await startPlatform({ dataDir, port, env: { [`EXECUTOR_SECRET_${owner.orgId.toUpperCase()}_PETS`]: ORG_SECRET } });
    api = client(platform.baseUrl, owner.key);
    const spec = petstoreSpec(petstore.url) as { paths: Record<string, Record<string, { parameters?: unknown[] }>> };
    spec.paths["/pets"]!.get!.parameters = [{ name: "q", in: "query", schema: { type: "string", pattern: "([" } }];
    badSchema = await serve((_req, res) => json(res, 200, spec));
  });

  afterAll(async () => {
    await Promise.all([platform?.stop(), petstore?.close(), badSchema?.close()]);
    removeDataDir(dataDir);
  });

  it("binds an org's own Worker secret, and no other org can", async () => {
    const name = `EXECUTOR_SECRET_${owner.orgId.toUpperCase()}_PETS`;
    const added = await api.post("/v1/sources", {
      slug: "pets",
      kind: "openapi",
      config: { url: `${petstore.url}/openapi.json` },
      local: true,
      connection: { name: "work", secretRef: `env://${name}` },
    });
    expect(added.status).toBe(201);
    expect((await api.post("/v1/call", { address: `pets.${owner.orgId}.work.listPets`, arguments: {} })).status).toBe(200);
    expect(petstore.seen.at(-1)?.headers.authorization).toBe(`Bearer ${ORG_SECRET}`);
    const thief = client(platform.baseUrl, stranger.key);
    const stolen = await thief.post("/v1/sources", {
      scope: "user",
      slug: "mine",
      kind: "openapi",
      config: { url: `${petstore.url}/openapi.json` },
      local: true,
      connection: { name: "x", secretRef: `env://${name}` },
    });
    expect([403, 422]).toContain(stolen.status);
    expect(((await thief.get("/v1/sources")).body.sources as Array<{ kind: string }>).filter((s) => s.kind !== "executor" && s.kind !== "store")).toEqual([]); // only the built-in sources
  });

  it("refuses an Idempotency-Key reused for a different call, and keys are per credential", async () => {
    const address = `pets.${owner.orgId}.work.getPet`;
    const first = await api.post("/v1/call", { address, arguments: { petId: 1 } }, { "idempotency-key": "k-1" });
    const again = await api.post("/v1/call", { address, arguments: { petId: 1 } }, { "idempotency-key": "k-1" });
    expect((again.body.run as { id: string }).id).toBe((first.body.run as { id: string }).id);
    const other = await api.post("/v1/call", { address, arguments: { petId: 2 } }, { "idempotency-key": "k-1" });
    expect(other.status).toBe(422);
    const second = client(platform.baseUrl, owner.approverKey);
    const separate = await second.post("/v1/call", { address, arguments: { petId: 1 } }, { "idempotency-key": "k-1" });
    expect((separate.body.run as { id: string }).id).not.toBe((first.body.run as { id: string }).id);
  });

  it("keeps a toolkit-bound key out of the audit trail and key administration", async () => {
    await api.post("/v1/toolkits", { slug: "list-only", title: "List", tools: [`pets.${owner.orgId}.work.listPets`] });
    const created = await client(platform.baseUrl, owner.approverKey).post("/v1/api-keys", { name: "bound", toolkit: `${owner.orgId}/list-only` });
    const bound = client(platform.baseUrl, (created.body as { key: string }).key);
    expect((await bound.get("/v1/runs")).status).toBe(403);
    expect((await bound.get("/v1/runs/export")).status).toBe(403);
    expect((await bound.get("/v1/api-keys")).status).toBe(403);
    const keys = (await client(platform.baseUrl, owner.approverKey).get("/v1/api-keys")).body.apiKeys as Array<{ id: string; name: string }>;
    const full = keys.find((k) => k.name === "tests");
    expect((await bound.delete(`/v1/api-keys/${full?.id}`)).status).toBe(403);
    expect((await api.get("/v1/me")).status).toBe(200);
  });

  it("refuses a call whose tool schema cannot be compiled, with a Run, not a 500", async () => {
    const added = await api.post("/v1/sources", {
      slug: "broken",
      kind: "openapi",
      config: { url: `${badSchema.url}/openapi.json` },
      local: true,
      connection: { name: "work", secret: "x-secret" },
    });
    expect(added.status).toBe(201);
    const res = await api.post("/v1/call", { address: `broken.${owner.orgId}.work.listPets`, arguments: { q: "a" } });
    expect(res.status).toBe(422);
    expect(res.body.runId).toMatch(/^run_/);
  });
});
