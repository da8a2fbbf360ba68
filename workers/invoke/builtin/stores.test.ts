import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runLedger } from "../../../durable-objects/run-ledger/client";
import { dataStore } from "../../../durable-objects/data-store/client";
import type { JsonObject } from "../../../schemas";
import { callTool } from "../call";
import { searchVisible } from "../search";
import type { AuthContext } from "../../shared/auth-context";
import type { Env } from "../../shared/env";
import { createStore, listStores } from "./store-lifecycle";

// Stores through the one invocation path: each a connection of the built-in `store` source.

function who(org: string, user: string): AuthContext {
  return {
    identity: { user: { id: user, email: `${user}@example.com`, createdAt: 0 }, org: { id: org, name: org, createdAt: 0 }, role: "owner" },
    grant: { toolkit: null, capabilities: [] },
    principal: {
      kind: "api_key",
      credentialId: `key_${user}`,
      userId: user,
      orgId: org,
      chain: [
        { id: org, kind: "org" },
        { id: user, kind: "user" },
      ],
      narrowings: [],
    },
  };
}

const call = (auth: AuthContext, scope: string, store: string, tool: string, args: JsonObject, e: Env = env): ReturnType<typeof callTool> =>
  callTool(e, auth, { address: `store.${scope}.${store}.${tool}`, args, surface: "http" });

describe("stores", () => {
  it("a SQLite store: exec creates and fills, query reads, every call a Run", async () => {
    const a = who("org_st1", "user_st0000001");
    await createStore(env, "org_st1", "org_st1", { name: "issues", kind: "sqlite" }, "user_st0000001");
    const made = await call(a, "org_st1", "issues", "exec", { sql: "CREATE TABLE issues (id INTEGER PRIMARY KEY, title TEXT)" });
    expect(made.kind).toBe("succeeded");
    const filled = await call(a, "org_st1", "issues", "exec", { sql: "INSERT INTO issues VALUES (?, ?)", rows: [[1, "Crash on start"], [2, "Typo in docs"]] });
    expect(filled).toMatchObject({ kind: "succeeded", value: { rowsWritten: 2 } });
    const read = await call(a, "org_st1", "issues", "query", { sql: "SELECT title FROM issues ORDER BY id" });
    expect(read).toMatchObject({ kind: "succeeded", value: { rows: [{ title: "Crash on start" }, { title: "Typo in docs" }], truncated: false } });
    if (read.kind !== "succeeded") return;
    expect((await runLedger(env.RUN_LEDGER, "org_st1").get(read.run.id)).ok).toBe(true);
    const found = await call(a, "org_st1", "issues", "search", { text: "typo" });
    expect(found).toMatchObject({ kind: "succeeded", value: { hits: [{ table: "issues", row: { id: 2 } }] } });
  });

  it("query is read-only whatever the statement: a write through it is rolled back", async () => {
    const a = who("org_st2", "user_st0000002");
    await createStore(env, "org_st2", "org_st2", { name: "ro", kind: "sqlite" }, "user_st0000002");
    await call(a, "org_st2", "ro", "exec", { sql: "CREATE TABLE t (v TEXT)" });
    const sneaky = await call(a, "org_st2", "ro", "query", { sql: "INSERT INTO t VALUES ('x') RETURNING v" });
    expect(sneaky.kind).toBe("succeeded");
    const after = await call(a, "org_st2", "ro", "query", { sql: "SELECT count(*) AS n FROM t" });
    expect(after).toMatchObject({ value: { rows: [{ n: 0 }] } });
  });

  it("a key-value store: put, get, list by prefix; the wrong kind's tools are refused", async () => {
    const a = who("org_st3", "user_st0000003");
    await createStore(env, "org_st3", "user_st0000003", { name: "notes", kind: "kv" }, "user_st0000003");
    expect((await call(a, "user_st0000003", "notes", "put", { key: "todo:1", value: { text: "milk" } })).kind).toBe("succeeded");
    await call(a, "user_st0000003", "notes", "put", { key: "todo:2", value: "eggs" });
    await call(a, "user_st0000003", "notes", "put", { key: "done:1", value: true });
    expect(await call(a, "user_st0000003", "notes", "get", { key: "todo:1" })).toMatchObject({ value: { found: true, value: { text: "milk" } } });
    const listed = await call(a, "user_st0000003", "notes", "list", { prefix: "todo:" });
    expect(listed).toMatchObject({ value: { items: [{ key: "todo:1" }, { key: "todo:2" }], next: null } });
    const wrong = await call(a, "user_st0000003", "notes", "query", { sql: "SELECT 1" });
    expect(wrong).toMatchObject({ kind: "failed", httpStatus: 422, run: { error: { code: "store_wrong_kind" } } });
  });

  it("bad SQL is a precise error that changes nothing", async () => {
    const a = who("org_st4", "user_st0000004");
    await createStore(env, "org_st4", "org_st4", { name: "db", kind: "sqlite" }, "user_st0000004");
    await call(a, "org_st4", "db", "exec", { sql: "CREATE TABLE t (v TEXT NOT NULL)" });
    const bad = await call(a, "org_st4", "db", "exec", { sql: "INSERT INTO t VALUES (?)", rows: [["ok"], [null]] });
    expect(bad).toMatchObject({ kind: "failed", httpStatus: 422, run: { error: { code: "store_sql_error" } } });
    if (bad.kind === "failed") expect(bad.run.error?.message).toMatch(/NOT NULL/);
    expect(await call(a, "org_st4", "db", "query", { sql: "SELECT count(*) AS n FROM t" })).toMatchObject({ value: { rows: [{ n: 0 }] } });
  });

  it("the scope's quota answers a clear error and nothing of the write is kept", async () => {
    const tight = { ...env, STORE_QUOTA_ROWS: "5" } as Env;
    const a = who("org_st5", "user_st0000005");
    await createStore(tight, "org_st5", "org_st5", { name: "one", kind: "sqlite" }, "user_st0000005");
    await createStore(tight, "org_st5", "org_st5", { name: "two", kind: "sqlite" }, "user_st0000005");
    await call(a, "org_st5", "one", "exec", { sql: "CREATE TABLE t (v INTEGER)" }, tight);
    await call(a, "org_st5", "two", "exec", { sql: "CREATE TABLE t (v INTEGER)" }, tight);
    expect((await call(a, "org_st5", "one", "exec", { sql: "INSERT INTO t VALUES (?)", rows: [[1], [2], [3]] }, tight)).kind).toBe("succeeded");
    const over = await call(a, "org_st5", "two", "exec", { sql: "INSERT INTO t VALUES (?)", rows: [[1], [2], [3]] }, tight);
    expect(over).toMatchObject({ kind: "failed", httpStatus: 507, run: { error: { code: "store_quota_exceeded" } } });
    expect(await call(a, "org_st5", "two", "query", { sql: "SELECT count(*) AS n FROM t" }, tight)).toMatchObject({ value: { rows: [{ n: 0 }] } });
    const stores = await listStores(env, ["org_st5"]);
    expect(stores.map((s) => [s.name, s.usage.rows])).toEqual([["one", 3], ["two", 0]]);
  });

  it("drop is destructive: it waits for approval, and the store is untouched meanwhile", async () => {
    const a = who("org_st6", "user_st0000006");
    await createStore(env, "org_st6", "org_st6", { name: "keep", kind: "kv" }, "user_st0000006");
    await call(a, "org_st6", "keep", "put", { key: "k", value: 1 });
    expect((await call(a, "org_st6", "keep", "drop", {})).kind).toBe("pending");
    expect(await call(a, "org_st6", "keep", "get", { key: "k" })).toMatchObject({ value: { found: true } });
  });

  it("a temporary store refuses calls once its time is up, and its data is gone", async () => {
    const a = who("org_st7", "user_st0000007");
    const entry = await createStore(env, "org_st7", "user_st0000007", { name: "scratch", kind: "kv", ttlSeconds: 1 }, "user_st0000007");
    await call(a, "user_st0000007", "scratch", "put", { key: "k", value: "v" });
    const store = dataStore(env.DATA_STORE, "user_st0000007", "scratch");
    await new Promise((r) => setTimeout(r, Math.max(0, entry.expiresAt! - Date.now() + 20)));
    const late = await call(a, "user_st0000007", "scratch", "get", { key: "k" });
    expect(late).toMatchObject({ kind: "failed", httpStatus: 410, run: { error: { code: "store_expired" } } });
    expect(await listStores(env, ["user_st0000007"])).toEqual([]);
    // Its alarm empties the object at expiry.
    let usage = await store.usage();
    for (let i = 0; i < 40 && usage.rows > 0; i++) usage = await new Promise((r) => setTimeout(r, 50)).then(() => store.usage());
    expect(usage).toEqual({ bytes: 0, rows: 0 });
  });

  it("stores and their tools are found by search like any API's", async () => {
    const a = who("org_st8", "user_st0000008");
    await createStore(env, "org_st8", "org_st8", { name: "crm", kind: "sqlite" }, "user_st0000008");
    const page = await searchVisible(env, a.principal, { query: "run a SQL query on my store", limit: 5, cursor: 0 });
    expect(page.tools.map((t) => t.address)).toContain("store.org_st8.crm.query");
  });

  it("refuses a recursive query, whose cost the store cannot bound", async () => {
    const a = who("org_st9", "user_st0000009");
    await createStore(env, "org_st9", "org_st9", { name: "calc", kind: "sqlite" }, "user_st0000009");
    const endless = await call(a, "org_st9", "calc", "query", { sql: "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n" });
    expect(endless).toMatchObject({ kind: "failed", httpStatus: 422, run: { error: { code: "store_invalid_input" } } });
  });
});
