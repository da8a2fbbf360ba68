import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dataStore } from "./client";
import { SUBSCRIPTION_HEADER } from "./subscriptions";
import type { Subscription } from "./subscriptions";

const meta = (name: string) => ({ scope: "org_subtest", name, kind: "sqlite" as const, expiresAt: null });
const budget = { bytes: 10_000_000, rows: 10_000 };

async function open(name: string, sub: Subscription): Promise<{ ws: WebSocket; messages: unknown[] }> {
  const res = await dataStore(env.DATA_STORE, "org_subtest", name).fetch(
    new Request("https://store.internal/subscribe", { headers: { upgrade: "websocket", [SUBSCRIPTION_HEADER]: JSON.stringify(sub) } }),
  );
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const messages: unknown[] = [];
  ws.accept();
  ws.addEventListener("message", (e) => messages.push(JSON.parse(String(e.data))));
  return { ws, messages };
}

const ticket = (credentialId: string) => ({
  kind: "api_key" as const,
  credentialHash: "0".repeat(64),
  shard: null,
  credentialId,
  userId: "user_subtest01",
  orgId: "org_subtest",
  toolkit: null,
  address: "store.org_subtest.live.query",
  expiresAt: null,
});

describe("store subscriptions", () => {
  it("a subscriber that is no longer allowed is closed with 4403 and sees nothing of the write", async () => {
    const store = dataStore(env.DATA_STORE, "org_subtest", "live");
    expect((await store.exec(meta("live"), { sql: "CREATE TABLE t (v TEXT)" }, budget)).ok).toBe(true);
    const sub = await open("live", { ticket: ticket("key_nobody0001"), view: { kind: "query", sql: "SELECT v FROM t", params: [], limit: 100 } });
    await expect.poll(() => sub.messages.length).toBe(1);
    const closed = new Promise<number>((r) => sub.ws.addEventListener("close", (e) => r(e.code)));
    expect((await store.exec(meta("live"), { sql: "INSERT INTO t VALUES ('secret row')" }, budget)).ok).toBe(true);
    expect(await closed).toBe(4403);
    expect(JSON.stringify(sub.messages)).not.toContain("secret row");
    expect(sub.messages.at(-1)).toMatchObject({ type: "ended", code: 4403 });
  });

  it("watches a long query (views are tagged by a hash, tags hold 256 characters)", async () => {
    const store = dataStore(env.DATA_STORE, "org_subtest", "long");
    expect((await store.exec(meta("long"), { sql: "CREATE TABLE t (a TEXT, b TEXT, c TEXT)" }, budget)).ok).toBe(true);
    const sql = `SELECT a, b, c FROM t WHERE ${Array.from({ length: 30 }, (_, i) => `a <> 'value number ${i}'`).join(" AND ")}`;
    expect(sql.length).toBeGreaterThan(600);
    const sub = await open("long", { ticket: ticket("key_nobody0002"), view: { kind: "query", sql, params: [], limit: 100 } });
    await expect.poll(() => sub.messages.length).toBe(1);
    expect(sub.messages[0]).toMatchObject({ type: "snapshot", rows: [] });
    sub.ws.close();
  });
});
