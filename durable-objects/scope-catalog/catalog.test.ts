import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ScopeCatalogApi } from "./client";
import { scopeCatalog } from "./client";

// Storage is isolated per test file, not per test: each test uses its own scope name.
const catalog = (scope: string): ScopeCatalogApi => scopeCatalog(env.SCOPE_CATALOG, scope);

const HASH_A = "a".repeat(64);
const HASH_B = "b".repeat(64);
const HASH_C = "c".repeat(64);

function tool(name: string, hash: string, sideEffect: "read" | "write" | "destructive" = "read") {
  return { name, description: `${name} tool`, sideEffect, hash, invocation: { method: "GET", path: `/${name}` }, destination: `GET https://api.example.com/${name}` };
}

describe("ScopeCatalog", () => {
  it("creates, reads, updates and deletes a source", async () => {
    const c = catalog("org_crud");
    const created = await c.createSource({ slug: "github", kind: "openapi", title: "GitHub", config: { url: "x" }, local: false });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.value.scope).toBe("org_crud");
    expect(created.value.id).toMatch(/^src_/);

    const read = await c.getSource("github");
    expect(read).toEqual(created);

    const updated = await c.updateSource("github", { title: "GitHub REST" });
    expect(updated.ok && updated.value.title).toBe("GitHub REST");

    const list = await c.listSources();
    expect(list.ok && list.value.map((s) => s.slug)).toEqual(["github"]);

    expect((await c.deleteSource("github")).ok).toBe(true);
    const gone = await c.getSource("github");
    expect(gone.ok ? null : gone.error.code).toBe("not_found");
  });

  it("refuses a duplicate source slug and persists nothing new", async () => {
    const c = catalog("org_dup");
    const input = { slug: "stripe", kind: "openapi", title: "Stripe", config: {}, local: false };
    expect((await c.createSource(input)).ok).toBe(true);
    const again = await c.createSource({ ...input, title: "Other" });
    expect(again.ok ? null : again.error.code).toBe("conflict");
    const list = await c.listSources();
    expect(list.ok && list.value.map((s) => s.title)).toEqual(["Stripe"]);
  });

  it("rejects schema-violating input naming the failing field", async () => {
    const c = catalog("org_bad");
    const bad = await c.createSource({ slug: "Not A Slug", kind: "soap", title: "x", config: {}, local: false });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.code).toBe("invalid_input");
    expect(bad.error.errors?.map((e) => e.path).sort()).toEqual(["kind", "slug"]);
    expect((await c.listSources()).ok && (await c.listSources())).toEqual({ ok: true, value: [] });
  });

  it("grants every tool on first import and holds new ones for review on refresh", async () => {
    const c = catalog("org_refresh");
    await c.createSource({ slug: "api", kind: "openapi", title: "API", config: {}, local: false });
    const first = await c.syncTools("api", { tools: [tool("list", HASH_A), tool("get", HASH_A)], manifestHash: HASH_A });
    expect(first.ok && first.value.added.sort()).toEqual(["get", "list"]);
    const granted = await c.listTools("api");
    expect(granted.ok && granted.value.map((t) => t.status)).toEqual(["granted", "granted"]);

    const refresh = await c.syncTools("api", {
      tools: [tool("list", HASH_B), tool("get", HASH_A), tool("delete", HASH_C, "destructive")],
      manifestHash: HASH_B,
    });
    expect(refresh.ok && refresh.value).toEqual({ added: ["delete"], changed: ["list"], moved: [], removed: [], unchanged: 1 });

    const del = await c.getTool("api", "delete");
    expect(del.ok && del.value.status).toBe("awaiting_review");
    const list = await c.getTool("api", "list");
    expect(list.ok && { status: list.value.status, changed: list.value.changed }).toEqual({ status: "granted", changed: true });

    const grant = await c.grantTool("api", "delete");
    expect(grant.ok && grant.value.status).toBe("granted");
    const regrant = await c.grantTool("api", "list");
    expect(regrant.ok && regrant.value.changed).toBe(false);

    const shrink = await c.syncTools("api", { tools: [tool("get", HASH_A)], manifestHash: HASH_C });
    expect(shrink.ok && shrink.value.removed.sort()).toEqual(["delete", "list"]);
  });

  it("rejects a manifest with a duplicate tool name and keeps the previous tools", async () => {
    const c = catalog("org_dupe_tools");
    await c.createSource({ slug: "api", kind: "openapi", title: "API", config: {}, local: false });
    await c.syncTools("api", { tools: [tool("one", HASH_A)], manifestHash: HASH_A });
    const bad = await c.syncTools("api", { tools: [tool("two", HASH_A), tool("two", HASH_B)], manifestHash: HASH_B });
    expect(bad.ok ? null : bad.error.code).toBe("invalid_input");
    const tools = await c.listTools("api");
    expect(tools.ok && tools.value.map((t) => t.name)).toEqual(["one"]);
    const source = await c.getSource("api");
    expect(source.ok && source.value.manifestHash).toBe(HASH_A);
  });

  it("imports a source with its tools and first connection all at once, or not at all", async () => {
    const c = catalog("org_import");
    const source = { slug: "api", kind: "openapi", title: "API", config: {}, local: false };
    const sealed = { id: "sec_abcdefgh12", ciphertext: "Y2lwaGVy", iv: "aXY=" };
    // A connection of that name already exists: the whole import is refused and nothing is left.
    await c.createConnection({ source: "api", name: "work", secretRef: null });
    const clash = await c.importSource({
      source,
      tools: [tool("one", HASH_A)],
      manifestHash: HASH_A,
      connection: { name: "work", secretRef: `vault://${sealed.id}`, sealed },
    });
    expect(clash.ok ? null : clash.error.code).toBe("conflict");
    expect(await c.listSources()).toEqual({ ok: true, value: [] });
    expect((await c.getSealedSecret(sealed.id)).ok).toBe(false);
    const dupes = await c.importSource({ source, tools: [tool("x", HASH_A), tool("x", HASH_B)], manifestHash: HASH_A });
    expect(dupes.ok).toBe(false);
    expect(await c.listSources()).toEqual({ ok: true, value: [] });

    const done = await c.importSource({ source, tools: [tool("one", HASH_A)], manifestHash: HASH_A, connection: { name: "prod", secretRef: null } });
    expect(done.ok && [done.value.source.slug, done.value.tools.added, done.value.connection?.name]).toEqual(["api", ["one"], "prod"]);
  });

  it("keeps many named connections per source, holding only a SecretRef", async () => {
    const c = catalog("user_conns");
    const work = await c.createConnection({ source: "github", name: "work", secretRef: "vault://abcdef012345" });
    const personal = await c.createConnection({ source: "github", name: "personal", secretRef: "env://GITHUB_TOKEN" });
    expect(work.ok && personal.ok).toBe(true);
    const clash = await c.createConnection({ source: "github", name: "work", secretRef: null });
    expect(clash.ok ? null : clash.error.code).toBe("conflict");
    const raw = await c.createConnection({ source: "github", name: "raw", secretRef: "ghp_plaintextsecret" });
    expect(raw.ok ? null : raw.error.errors?.[0]?.path).toBe("secretRef");
    const listed = await c.listConnections("github");
    expect(listed.ok && listed.value.map((x) => x.name).sort()).toEqual(["personal", "work"]);
    const moved = await c.updateConnection("github", "work", "vault://fedcba987654");
    expect(moved.ok && moved.value.secretRef).toBe("vault://fedcba987654");
    expect((await c.deleteConnection("github", "personal")).ok).toBe(true);
    const after = await c.getConnection("github", "personal");
    expect(after.ok ? null : after.error.code).toBe("not_found");
  });

  it("stores policies on sources and connections, and drops a connection's policies with it", async () => {
    const c = catalog("org_pol");
    const onSource = await c.createPolicy({ target: { source: "github" }, action: "require_approval" });
    expect(onSource.ok && onSource.value.target).toEqual({ source: "github", tools: "*" });
    await c.createConnection({ source: "github", name: "prod", secretRef: null });
    const onConn = await c.createPolicy({
      target: { source: "github", connection: { scope: "org_pol", name: "prod" }, tools: "repos/delete*" },
      action: "block",
    });
    expect(onConn.ok).toBe(true);
    if (!onConn.ok) return;
    const changed = await c.updatePolicy(onConn.value.id, { target: onConn.value.target, action: "require_approval" });
    expect(changed.ok && changed.value.action).toBe("require_approval");
    const bad = await c.createPolicy({ target: { source: "github" }, action: "allow-everything" });
    expect(bad.ok ? null : bad.error.errors?.[0]?.path).toBe("action");
    await c.deleteConnection("github", "prod");
    const left = await c.listPolicies("github");
    expect(left.ok && left.value.map((p) => p.action)).toEqual(["require_approval"]);
  });

  it("creates, updates and deletes toolkits of addresses and patterns", async () => {
    const c = catalog("org_kits");
    const kit = await c.createToolkit({
      slug: "triage",
      title: "Issue triage",
      tools: ["github.org_kits.work.issues/get"],
      patterns: ["github.*.*.issues/*"],
    });
    expect(kit.ok && kit.value.patterns).toEqual(["github.*.*.issues/*"]);
    const updated = await c.updateToolkit("triage", { description: "read and label issues" });
    expect(updated.ok && updated.value.description).toBe("read and label issues");
    const bad = await c.createToolkit({ slug: "x", title: "x", tools: ["not-an-address"] });
    expect(bad.ok ? null : bad.error.errors?.[0]?.path).toBe("tools[0]");
    expect((await c.deleteToolkit("triage")).ok).toBe(true);
    expect(await c.listToolkits()).toEqual({ ok: true, value: [] });
  });

  it("refuses to serve when not addressed by a scope id", async () => {
    const stub = env.SCOPE_CATALOG.get(env.SCOPE_CATALOG.newUniqueId()) as unknown as ScopeCatalogApi;
    const res = await stub.listSources();
    expect(res.ok ? null : res.error.code).toBe("wrong_scope");
  });
});
