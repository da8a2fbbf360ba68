import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import type { Platform } from "./platform";
import { freePort, removeDataDir, startPlatform } from "./platform";
import { petstoreSpec, startPetstore } from "./upstreams/petstore";
import { json, serve } from "./upstreams/http-server";
import type { Upstream } from "./upstreams/http-server";

describe("bad input and failing upstreams each get a clear error and leave no partial records", () => {
  let platform: Platform;
  let petstore: Awaited<ReturnType<typeof startPetstore>>;
  let owner: Account;
  let api: ReturnType<typeof client>;
  let docOnly: Upstream;

  beforeAll(async () => {
    [platform, petstore] = await Promise.all([startPlatform({ env: { EXECUTOR_UPSTREAM_TIMEOUT_MS: "1500" } }), startPetstore()]);
    owner = await signUpWithKey(platform.baseUrl, "failures@example.com");
    api = client(platform.baseUrl, owner.key);
    // Serves a description whose server is a closed port, so every call is unreachable.
    const closed = await freePort();
    docOnly = await serve((_req, res) => json(res, 200, petstoreSpec(`http://127.0.0.1:${closed}`)));
  });

  afterAll(async () => {
    await Promise.all([platform?.stop(), petstore?.close(), docOnly?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  it("refuses an invalid spec with 422 and stores no source", async () => {
    const bad = await api.post("/v1/sources", { slug: "junk", kind: "openapi", config: { document: true }, document: "not: [valid" });
    expect(bad.status).toBe(422);
    const noPaths = await api.post("/v1/sources", {
      slug: "junk",
      kind: "openapi",
      config: { document: true },
      document: JSON.stringify({ openapi: "3.1.0", info: { title: "x", version: "1" } }),
    });
    expect(noPaths.status).toBe(422);
    expect(((await api.get("/v1/sources")).body.sources as Array<{ kind: string }>).filter((s) => s.kind !== "executor" && s.kind !== "store")).toEqual([]); // only the built-in sources
  });

  it("refuses a config that violates the plugin's schema, naming the field", async () => {
    const res = await api.post("/v1/sources", { slug: "junk", kind: "graphql", config: { endpoint: 42 } });
    expect(res.status).toBe(422);
    expect((res.body.errors as Array<{ path: string }>)[0]?.path).toMatch(/^config\.endpoint/);
  });

  it("refuses loopback in any encoding unless the source is marked local", async () => {
    const port = new URL(petstore.url).port;
    for (const host of ["127.1", "2130706433", "0x7f000001", "localhost", "[::ffff:127.0.0.1]"]) {
      const res = await api.post("/v1/sources", { slug: "sneaky", kind: "openapi", config: { url: `http://${host}:${port}/openapi.json` } });
      expect(res.status, host).toBe(422);
    }
    expect(petstore.seen.length).toBe(0);
    expect(((await api.get("/v1/sources")).body.sources as Array<{ kind: string }>).filter((s) => s.kind !== "executor" && s.kind !== "store")).toEqual([]); // only the built-in sources
  });

  it("records an unreachable upstream as a failed Run with a clear error", async () => {
    const added = await api.post("/v1/sources", {
      slug: "gone",
      kind: "openapi",
      config: { url: `${docOnly.url}/openapi.json` },
      local: true,
      connection: { name: "work", secret: "s3cret-unreachable" },
    });
    expect(added.status).toBe(201);
    const res = await api.post("/v1/call", { address: `gone.${owner.orgId}.work.listPets`, arguments: {} });
    expect(res.status).toBe(502);
    const run = await api.get(`/v1/runs/${String(res.body.runId)}`);
    expect(run.body.run).toMatchObject({ status: "failed", error: { code: "upstream_unreachable" } });
  });

  it("times out a hanging upstream and records it", async () => {
    await api.post("/v1/sources", {
      slug: "pets",
      kind: "openapi",
      config: { url: `${petstore.url}/openapi.json` },
      local: true,
      connection: { name: "work", secret: "s3cret-timeout" },
    });
    const started = Date.now();
    const res = await api.post("/v1/call", { address: `pets.${owner.orgId}.work.slowPets`, arguments: {} });
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(10_000);
    const run = await api.get(`/v1/runs/${String(res.body.runId)}`);
    expect(run.body.run).toMatchObject({ status: "failed", error: { code: "timeout" } });
  });

  it("tests a connection with a cheap read operation, recorded as a Run", async () => {
    const res = await api.post("/v1/connections/pets/work/test");
    expect(res.status).toBe(200);
    expect((res.body.run as { address: string }).address).toBe(`pets.${owner.orgId}.work.listPets`);
  });

  it("keeps grants on refresh: new operations wait for review, changed ones are flagged", async () => {
    const changed = petstoreSpec(petstore.url) as { paths: Record<string, Record<string, { summary?: string }>> };
    changed.paths["/pets"]!.get!.summary = "List every pet (changed)";
    changed.paths["/toys"] = { get: { operationId: "listToys", summary: "List toys", responses: { "200": { description: "ok" } } } } as never;
    const added = await api.post("/v1/sources", { slug: "shop", kind: "openapi", config: { document: true }, document: JSON.stringify(petstoreSpec(petstore.url)), local: true, connection: { name: "work", secret: "s3cret-shop" } });
    expect(added.status).toBe(201);
    const refreshed = await api.post("/v1/sources/shop/refresh", { document: JSON.stringify(changed) });
    expect(refreshed.body.tools).toMatchObject({ added: ["listToys"], changed: ["listPets"], removed: [] });
    const detail = await api.get("/v1/sources/shop");
    expect(detail.body).toMatchObject({ awaitingReview: ["listToys"], changed: ["listPets"] });
    const blocked = await api.post("/v1/call", { address: `shop.${owner.orgId}.work.listToys`, arguments: {} });
    expect(blocked.status).toBe(403);
    expect(String(blocked.body.detail)).toMatch(/review/);
    // A changed definition keeps its grant (it is flagged, not revoked) and still answers.
    expect((await api.post("/v1/call", { address: `shop.${owner.orgId}.work.listPets`, arguments: {} })).status).toBe(200);
    expect((await api.post("/v1/sources/shop/tools/listToys/grant")).status).toBe(200);
    expect((await api.post("/v1/call", { address: `shop.${owner.orgId}.work.listToys`, arguments: {} })).status).not.toBe(403);
  });
});
