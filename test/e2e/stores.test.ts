import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";

type Message = { type: string; rows?: Array<Record<string, unknown>>; message?: string };

/** A subscriber: every message it got, and how it ended. */
function subscribe(url: string, headers: Record<string, string>): Promise<{ ws: WebSocket; messages: Message[]; closed: Promise<{ code: number }>; next: () => Promise<Message> }> {
  // Node's WebSocket (undici) takes request headers as an option: how a backend subscribes with a key.
  const ws = new WebSocket(url, { headers } as unknown as string[]);
  const messages: Message[] = [];
  const waiters: Array<(m: Message) => void> = [];
  ws.addEventListener("message", (e: MessageEvent) => {
    const m = JSON.parse(String(e.data)) as Message;
    messages.push(m);
    waiters.shift()?.(m);
  });
  const closed = new Promise<{ code: number }>((resolve) => ws.addEventListener("close", (e: CloseEvent) => resolve({ code: e.code })));
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve({ ws, messages, closed, next: () => new Promise((r) => waiters.push(r)) }));
    ws.addEventListener("error", () => reject(new Error("the subscription was refused")));
  });
}

/** The status a WebSocket upgrade request is answered with (101 when accepted), without a client library. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { ...headers, connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" } });
    req.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

const first = <T>(p: Promise<T>, what: string, ms = 5_000): Promise<T> =>
  Promise.race([p, new Promise<T>((_, no) => setTimeout(() => no(new Error(`timed out waiting for ${what}`)), ms))]);

// Stores end to end: placed by /v1/stores, written and read through the store source's tools
// (each a Run), watched over WebSockets; a write reaches every subscriber who may still read.
describe("stores and live subscriptions", () => {
  let platform: Platform;
  let owner: Account;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    platform = await startPlatform();
    owner = await signUpWithKey(platform.baseUrl, "stores-e2e@example.com", ["administer", "manage-keys"]);
    api = client(platform.baseUrl, owner.key);
  });

  afterAll(async () => {
    await platform?.stop();
    if (platform) removeDataDir(platform.dataDir);
  });

  const call = (address: string, args: Record<string, unknown>, key = owner.key) => client(platform.baseUrl, key).post("/v1/call", { address, arguments: args });
  const wsUrl = (path: string): string => platform.baseUrl.replace(/^http/, "ws") + path;

  it("refuses a bad definition precisely and places nothing", async () => {
    const bad = await api.post("/v1/stores", { name: "Issues!", kind: "graph" });
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect(JSON.stringify(bad.body)).toMatch(/name|kind/);
    expect((await api.get("/v1/stores")).body.stores).toEqual([]);
  });

  it("places a SQLite store, writes and queries it through its tools, each call a Run", async () => {
    const made = await api.post("/v1/stores", { name: "issues", kind: "sqlite" });
    expect(made.status).toBe(201);
    expect(made.body.store).toMatchObject({ name: "issues", kind: "sqlite", scope: owner.orgId });
    expect((await api.post("/v1/stores", { name: "issues", kind: "kv" })).status).toBe(409);
    const base = `store.${owner.orgId}.issues`;
    expect((await call(`${base}.exec`, { sql: "CREATE TABLE issues (number INTEGER PRIMARY KEY, title TEXT NOT NULL)" })).status).toBe(200);
    const filled = await call(`${base}.exec`, { sql: "INSERT INTO issues VALUES (?, ?)", rows: [[1, "Crash on start"], [2, "Docs typo"]] });
    expect(filled.body).toMatchObject({ result: { rowsWritten: 2 }, run: { status: "succeeded" } });
    const read = await call(`${base}.query`, { sql: "SELECT number, title FROM issues ORDER BY number" });
    expect(read.body).toMatchObject({ result: { rows: [{ number: 1 }, { number: 2 }] } });
    const runId = (read.body.run as { id: string }).id;
    expect((await api.get(`/v1/runs/${runId}`)).body).toMatchObject({ run: { address: `${base}.query`, status: "succeeded" } });
    const found = await api.get("/v1/stores/search?q=typo");
    expect(found.body).toMatchObject({ results: [{ store: `${owner.orgId}/issues`, result: { hits: [{ row: { number: 2 } }] } }] });
  });

  it("sends every subscriber each write, and closes one whose key is revoked before it sees the next", async () => {
    const path = `/v1/stores/${owner.orgId}/issues/subscribe?sql=${encodeURIComponent("SELECT number, title FROM issues ORDER BY number")}`;
    const minted = await client(platform.baseUrl, owner.key).post("/v1/api-keys", { name: "watcher", capabilities: [] });
    expect(minted.status).toBe(201);
    const watcherKey = minted.body.key as string;
    const watcherId = (minted.body.apiKey as { id: string }).id;
    const a = await subscribe(wsUrl(path), { authorization: `Bearer ${owner.key}` });
    const b = await subscribe(wsUrl(path), { authorization: `Bearer ${watcherKey}` });
    await expect.poll(() => a.messages.length + b.messages.length).toBe(2);
    expect(a.messages[0]).toMatchObject({ type: "snapshot", rows: [{ number: 1 }, { number: 2 }] });

    const bothSee = Promise.all([a.next(), b.next()]);
    await call(`store.${owner.orgId}.issues.exec`, { sql: "INSERT INTO issues VALUES (3, 'Slow search')" });
    const [seenA, seenB] = await first(bothSee, "both subscribers to see the write");
    expect(seenA.rows).toHaveLength(3);
    expect(seenB.rows).toHaveLength(3);

    expect((await api.delete(`/v1/api-keys/${watcherId}`)).status).toBe(200);
    const aNext = a.next();
    await call(`store.${owner.orgId}.issues.exec`, { sql: "INSERT INTO issues VALUES (4, 'Leaked secret')" });
    expect((await first(aNext, "the remaining subscriber to see the write")).rows).toHaveLength(4);
    // The store ends the revoked subscription (4403) rather than sending it the write.
    await expect.poll(() => b.messages.at(-1)).toMatchObject({ type: "ended", code: 4403 });
    expect(JSON.stringify(b.messages)).not.toContain("Leaked secret");
    a.ws.close();
  });

  it("refuses a subscription the caller could not read: a toolkit without the store, a cross-site cookie", async () => {
    expect((await api.post("/v1/toolkits", { slug: "pets-only", title: "Pets only", tools: [], patterns: ["pets.*.*.*"] })).status).toBe(201);
    const bound = await client(platform.baseUrl, owner.key).post("/v1/api-keys", { name: "bound", capabilities: [], toolkit: `${owner.orgId}/pets-only` });
    expect(bound.status).toBe(201);
    const path = `/v1/stores/${owner.orgId}/issues/subscribe?sql=${encodeURIComponent("SELECT * FROM issues")}`;
    expect(await upgradeStatus(platform.baseUrl + path, { authorization: `Bearer ${bound.body.key as string}` })).toBe(404);
    const direct = await call(`store.${owner.orgId}.issues.query`, { sql: "SELECT * FROM issues" }, bound.body.key as string);
    expect(direct.status).toBe(404);
    const noUpgrade = await api.get(path);
    expect(noUpgrade.status).toBe(426);
    expect(await upgradeStatus(platform.baseUrl + path.replace(/sql=[^&]+/, "sql=SELEC"), { authorization: `Bearer ${owner.key}` })).toBe(422);
    expect(await upgradeStatus(platform.baseUrl + path, { authorization: `Bearer ${owner.key}` })).toBe(101);
  });

  it("holds a key-value store's quota per scope and keeps temporary stores apart", async () => {
    expect((await api.post("/v1/stores", { scope: "user", name: "scratch", kind: "kv", ttlSeconds: 3600 })).status).toBe(201);
    const put = await call(`store.${owner.userId}.scratch.put`, { key: "session:1", value: { step: 2 } });
    expect(put.status).toBe(200);
    const listed = (await api.get("/v1/stores")).body.stores as Array<{ name: string; expiresAt: string | null; usage: { rows: number } }>;
    expect(listed.find((s) => s.name === "scratch")).toMatchObject({ usage: { rows: 1 } });
    expect(listed.find((s) => s.name === "scratch")?.expiresAt).not.toBeNull();
    expect((await api.delete("/v1/stores/scratch?scope=user")).status).toBe(204);
    expect((await call(`store.${owner.userId}.scratch.get`, { key: "session:1" })).status).toBe(404);
  });
});
