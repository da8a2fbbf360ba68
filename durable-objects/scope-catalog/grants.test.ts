import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import migration0006 from "../../migrations/scope-catalog/0006_grant_destinations.sql";
import type { AuthTemplate } from "../../schemas";
import type { ScopeCatalogApi } from "./client";
import { scopeCatalog } from "./client";
import type { ScopeCatalog } from "./index";

// DESIGN invariant 6: "where a credential is sent (server, token URL, auth template) is part of what a
// grant covers". Storage is isolated per file, not per test: each test uses its own scope.
const catalog = (scope: string): ScopeCatalogApi => scopeCatalog(env.SCOPE_CATALOG, scope);
const stub = (scope: string): DurableObjectStub<ScopeCatalog> => env.SCOPE_CATALOG.get(env.SCOPE_CATALOG.idFromName(scope));

const HASH_A = "a".repeat(64);
const HASH_B = "b".repeat(64);
const BEARER: AuthTemplate[] = [{ type: "http", scheme: "bearer" }];
const oauth = (tokenUrl: string): AuthTemplate[] => [{ type: "oauth2_client_credentials", tokenUrl, scopes: [] }];

function tool(name: string, hash: string, server = "https://api.example.com") {
  const invocation = { method: "GET", path: `/${name}`, server, params: [] };
  return { name, description: `${name} tool`, sideEffect: "read", hash, invocation, destination: `GET ${server}/${name}` };
}

async function imported(scope: string, auth: AuthTemplate[] = BEARER): Promise<ScopeCatalogApi> {
  const c = catalog(scope);
  expect((await c.createSource({ slug: "api", kind: "openapi", title: "API", config: {}, local: false })).ok).toBe(true);
  const first = await c.syncTools("api", { tools: [tool("list", HASH_A), tool("get", HASH_A)], manifestHash: HASH_A, auth });
  expect(first.ok && first.value.added).toEqual(["list", "get"]);
  return c;
}

async function shown(c: ScopeCatalogApi, name: string): Promise<Record<string, unknown>> {
  const found = await c.getTool("api", name);
  if (!found.ok) throw new Error(found.error.message);
  const { status, changed, moved, destination, granted } = found.value;
  return { status, changed, moved, destination, granted };
}

describe("grants cover the destination and the auth templates", () => {
  it("grants each tool on first import at the destination and auth it arrived with", async () => {
    const c = await imported("org_grant_first");
    const list = await shown(c, "list");
    expect(list).toMatchObject({ status: "granted", moved: false, destination: "GET https://api.example.com/list" });
    expect(list.granted).toEqual({ destination: "GET https://api.example.com/list", auth: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("withdraws the grant of a tool whose server moved, reports it moved (not changed), and grants the new destination on review", async () => {
    const c = await imported("org_grant_moved");
    const refresh = await c.syncTools("api", {
      tools: [tool("list", HASH_B, "https://collector.example.net"), tool("get", HASH_A)],
      manifestHash: HASH_B,
      auth: BEARER,
    });
    expect(refresh.ok && refresh.value).toEqual({ added: [], changed: [], moved: ["list"], removed: [], unchanged: 1 });
    const moved = await shown(c, "list");
    expect(moved).toMatchObject({ status: "awaiting_review", moved: true, destination: "GET https://collector.example.net/list" });
    // What had been granted is kept for the reviewer to compare.
    expect(moved.granted).toMatchObject({ destination: "GET https://api.example.com/list" });
    expect(await shown(c, "get")).toMatchObject({ status: "granted", moved: false });

    const regranted = await c.grantTool("api", "list");
    expect(regranted.ok && regranted.value).toMatchObject({ status: "granted", moved: false, changed: false });
    expect(regranted.ok && regranted.value.granted?.destination).toBe("GET https://collector.example.net/list");
  });

  it("withdraws every grant when the auth templates change (a token URL moved), though no definition changed", async () => {
    const c = await imported("org_grant_auth", oauth("https://id.example.com/token"));
    const refresh = await c.syncTools("api", {
      tools: [tool("list", HASH_A), tool("get", HASH_A)],
      manifestHash: HASH_B,
      auth: oauth("https://collector.example.net/token"),
    });
    expect(refresh.ok && refresh.value).toEqual({ added: [], changed: [], moved: ["list", "get"], removed: [], unchanged: 0 });
    expect(await shown(c, "get")).toMatchObject({ status: "awaiting_review", moved: true, changed: false });
  });

  it("keeps the grant of a tool whose description changed but not its destination or auth, flagged changed", async () => {
    const c = await imported("org_grant_changed");
    const before = await shown(c, "list");
    const refresh = await c.syncTools("api", { tools: [{ ...tool("list", HASH_B), description: "new words" }, tool("get", HASH_A)], manifestHash: HASH_B, auth: BEARER });
    expect(refresh.ok && refresh.value).toMatchObject({ changed: ["list"], moved: [] });
    expect(await shown(c, "list")).toEqual({ ...before, changed: true });
  });

  it("does not grant a moved tool again when a later refresh moves it back", async () => {
    const c = await imported("org_grant_back");
    await c.syncTools("api", { tools: [tool("list", HASH_B, "https://collector.example.net"), tool("get", HASH_A)], manifestHash: HASH_B, auth: BEARER });
    const back = await c.syncTools("api", { tools: [tool("list", HASH_A), tool("get", HASH_A)], manifestHash: HASH_A, auth: BEARER });
    expect(back.ok && back.value.moved).toEqual([]);
    expect(await shown(c, "list")).toMatchObject({ status: "awaiting_review", moved: true });
  });
});

describe("grants stored before destinations were recorded (migration 0006)", () => {
  /** Makes the scope's rows look as migration 0006 leaves rows granted before it. */
  async function legacy(scope: string): Promise<void> {
    await runInDurableObject(stub(scope), (_instance, state) => {
      state.storage.sql.exec("UPDATE tools SET destination = NULL, granted_destination = NULL, granted_auth = NULL");
    });
  }

  it("records the target of a legacy grant at the first refresh that leaves invocation and auth as they were", async () => {
    const c = await imported("org_legacy_same");
    await legacy("org_legacy_same");
    expect(await shown(c, "list")).toMatchObject({ status: "granted", destination: null, granted: null });
    const refresh = await c.syncTools("api", { tools: [tool("list", HASH_A), tool("get", HASH_A)], manifestHash: HASH_A, auth: BEARER });
    expect(refresh.ok && refresh.value).toMatchObject({ moved: [], unchanged: 2 });
    expect(await shown(c, "list")).toMatchObject({ status: "granted", granted: { destination: "GET https://api.example.com/list" } });
  });

  it("withdraws a legacy grant when the refresh changes the invocation data or the auth templates", async () => {
    const c = await imported("org_legacy_moved");
    await legacy("org_legacy_moved");
    const refresh = await c.syncTools("api", {
      tools: [tool("list", HASH_B, "https://collector.example.net"), tool("get", HASH_A)],
      manifestHash: HASH_B,
      auth: BEARER,
    });
    expect(refresh.ok && refresh.value.moved).toEqual(["list"]);
    await legacy("org_legacy_moved");
    const auth = await c.syncTools("api", { tools: [tool("list", HASH_B, "https://collector.example.net"), tool("get", HASH_A)], manifestHash: HASH_A, auth: [] });
    expect(auth.ok && auth.value.moved).toEqual(["get"]);
  });

  it("withdraws, in the migration, the grant of a tool whose definition changed after it was granted", async () => {
    const c = await imported("org_legacy_migration");
    await runInDurableObject(stub("org_legacy_migration"), (_instance, state) => {
      // As the old code left a refreshed tool: still granted, at an older hash.
      state.storage.sql.exec("UPDATE tools SET hash = ?, destination = NULL, granted_destination = NULL, granted_auth = NULL WHERE name = 'list'", HASH_B);
      const dataStep = migration0006.split("--> statement-breakpoint").at(-1) ?? "";
      expect(dataStep).toContain("UPDATE `tools`");
      state.storage.sql.exec(dataStep);
    });
    expect(await shown(c, "list")).toMatchObject({ status: "awaiting_review", moved: true, changed: true });
    expect(await shown(c, "get")).toMatchObject({ status: "granted", moved: false });
  });
});
