import { DurableObject, exports } from "cloudflare:workers";
import type { JsonValue } from "../../schemas";
import { StoreEngine } from "./engine";
import type { Budget, StoreMeta, StoreResult, Usage } from "./limits";
import { Budget as BudgetSchema, KvDelete, KvGet, KvList, KvPut, SqlExec, SqlQuery, StoreMeta as MetaSchema, StoreSearch, refusesRecursion, storeFail, storeOk, utf8Bytes, LIMITS } from "./limits";
import type { AccessChecker, Subscription, SubscriptionView } from "./subscriptions";
import { CLOSE, DISTINCT_VIEWS, PER_CREDENTIAL, REAUTHORIZE_MS, SUBSCRIPTION_HEADER, Subscription as SubscriptionSchema, VIEW_BUDGET_MS, ticketKey, viewKey } from "./subscriptions";

type Env = { SCOPE_CATALOG?: DurableObjectNamespace };
const EMPTY: Usage = { bytes: 0, rows: 0 };

/**
 * One named store (issue 15): a key-value or SQLite store placed in a scope, reached only through
 * the `store` source's tools (so toolkits, policies and Runs apply) and through subscriptions the
 * gateway authorised. Its own bookkeeping (what it is, what it uses) is in the object's key-value
 * storage, which SQL cannot reach, so a SQLite store's tables are all its user's.
 */
export class DataStore extends DurableObject<Env> {
  readonly #engine = new StoreEngine(this.ctx.storage);

  /** Checks (and on first use records) what the store is; a call for another kind is refused. */
  #open(input: unknown): StoreResult<StoreMeta> {
    const parsed = MetaSchema.safeParse(input);
    if (!parsed.success) return storeFail("invalid_input", "store metadata is invalid");
    const meta = parsed.data;
    if (meta.expiresAt !== null && meta.expiresAt <= Date.now()) return storeFail("expired", `store ${meta.name} has expired`);
    const known = this.ctx.storage.kv.get<StoreMeta>("meta");
    if (known && known.kind !== meta.kind) return storeFail("wrong_kind", `store ${meta.name} is a ${known.kind} store`);
    if (!known) {
      if (meta.kind === "kv") this.#engine.ensureKvTable();
      this.ctx.storage.kv.put("meta", meta);
      if (meta.expiresAt !== null) void this.#schedule();
    }
    return storeOk(meta);
  }

  #usage(): Usage {
    return this.ctx.storage.kv.get<Usage>("usage") ?? EMPTY;
  }

  #written(usage: Usage): void {
    this.ctx.storage.kv.put("usage", usage);
    this.ctx.waitUntil(this.#notify().catch((error: unknown) => console.error("store: notifying subscribers failed", error instanceof Error ? error.name : "Error")));
  }

  #write<T>(meta: unknown, budget: unknown, kind: "kv" | "sqlite", change: () => T): StoreResult<{ result: T; usage: Usage }> {
    const opened = this.#open(meta);
    if (!opened.ok) return opened;
    if (opened.value.kind !== kind) return storeFail("wrong_kind", `store ${opened.value.name} is a ${opened.value.kind} store`);
    const limits = BudgetSchema.safeParse(budget);
    if (!limits.success) return storeFail("invalid_input", "budget is invalid");
    const done = this.#engine.write(this.#usage(), limits.data, change);
    if (done.ok) this.#written(done.value.usage);
    return done;
  }

  #kind(meta: unknown, kind: "kv" | "sqlite"): StoreResult<StoreMeta> {
    const opened = this.#open(meta);
    if (opened.ok && opened.value.kind !== kind) return storeFail("wrong_kind", `store ${opened.value.name} is a ${opened.value.kind} store; use ${opened.value.kind === "kv" ? "get, put, list" : "query, exec"}`);
    return opened;
  }

  get(meta: unknown, input: unknown): StoreResult<{ key: string; found: boolean; value: JsonValue }> {
    const opened = this.#kind(meta, "kv");
    if (!opened.ok) return opened;
    const args = KvGet.safeParse(input);
    if (!args.success) return storeFail("invalid_input", args.error.issues[0]?.message ?? "invalid");
    const value = this.#engine.kvGet(args.data.key);
    return storeOk({ key: args.data.key, found: value !== undefined, value: value ?? null });
  }

  put(meta: unknown, input: unknown, budget: Budget): StoreResult<{ key: string; usage: Usage }> {
    const args = KvPut.safeParse(input);
    if (!args.success) return storeFail("invalid_input", args.error.issues[0]?.message ?? "invalid");
    if (utf8Bytes(JSON.stringify(args.data.value)) > LIMITS.valueBytes) return storeFail("too_large", `a value may be at most ${LIMITS.valueBytes} bytes of JSON`);
    const done = this.#write(meta, budget, "kv", () => this.#engine.kvPut(args.data.key, args.data.value as JsonValue));
    return done.ok ? storeOk({ key: args.data.key, usage: done.value.usage }) : done;
  }

  delete(meta: unknown, input: unknown, budget: Budget): StoreResult<{ key: string; deleted: boolean; usage: Usage }> {
    const args = KvDelete.safeParse(input);
    if (!args.success) return storeFail("invalid_input", args.error.issues[0]?.message ?? "invalid");
    const done = this.#write(meta, budget, "kv", () => this.#engine.kvDelete(args.data.key));
    return done.ok ? storeOk({ key: args.data.key, deleted: done.value.result, usage: done.value.usage }) : done;
  }

  list(meta: unknown, input: unknown): StoreResult<ReturnType<StoreEngine["kvList"]>> {
    const opened = this.#kind(meta, "kv");
    if (!opened.ok) return opened;
    const args = KvList.safeParse(input ?? {});
    if (!args.success) return storeFail("invalid_input", args.error.issues[0]?.message ?? "invalid");
    return storeOk(this.#engine.kvList(args.data.prefix, args.data.after, args.data.limit));
  }

  query(meta: unknown, input: unknown): StoreResult<{ rows: Array<Record<string, JsonValue>>; truncated: boolean }> {
    const opened = this.#kind(meta, "sqlite");
    if (!opened.ok) return opened;
    const args = SqlQuery.safeParse(input);
    if (!args.success) return storeFail("invalid_input", args.error.issues[0]?.message ?? "invalid");
    const recursion = refusesRecursion(args.data.sql);
    if (recursion) return storeFail("invalid_input", recursion);
    return this.#engine.read(args.data.sql, args.data.params, args.data.limit);
  }

  exec(meta: unknown, input: unknown, budget: Budget): StoreResult<{ rowsWritten: number; rows: Array<Record<string, JsonValue>>; usage: Usage }> {
    const args = SqlExec.safeParse(input);
    if (!args.success) return storeFail("invalid_input", args.error.issues[0]?.message ?? "invalid");
    const done = this.#write(meta, budget, "sqlite", () => this.#engine.exec(args.data.sql, args.data.params, args.data.rows));
    return done.ok ? storeOk({ ...done.value.result, usage: done.value.usage }) : done;
  }

  search(meta: unknown, input: unknown): StoreResult<{ hits: ReturnType<StoreEngine["search"]> }> {
    const opened = this.#open(meta);
    if (!opened.ok) return opened;
    const args = StoreSearch.safeParse(input);
    if (!args.success) return storeFail("invalid_input", args.error.issues[0]?.message ?? "invalid");
    return storeOk({ hits: this.#engine.search(args.data.text, args.data.limit, opened.value.kind) });
  }

  usage(): Usage {
    return this.#usage();
  }

  /** Empties the store for good: its data, its bookkeeping, and every subscription. */
  async drop(): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) end(ws, CLOSE.storeGone, "the store was removed");
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  /** A subscription the gateway authorised (the header is set by it alone; the object has no public route). */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const parsed = SubscriptionSchema.safeParse(JSON.parse(request.headers.get(SUBSCRIPTION_HEADER) ?? "null"));
    if (!parsed.success) return new Response("invalid subscription", { status: 400 });
    const open = this.ctx.getWebSockets();
    const sub = parsed.data;
    const mine = open.filter((ws) => (ws.deserializeAttachment() as Subscription | null)?.ticket.credentialId === sub.ticket.credentialId).length;
    const views = new Set(open.map((ws) => this.ctx.getTags(ws)[0]));
    if (open.length >= LIMITS.subscribers || mine >= PER_CREDENTIAL) return new Response("too many subscriptions", { status: 429 });
    if (!views.has(viewKey(sub.view)) && views.size >= DISTINCT_VIEWS) return new Response("too many distinct views of this store; watch one that is already watched, or fewer", { status: 429 });
    if (sub.view.kind === "query" && refusesRecursion(sub.view.sql)) return new Response("recursive queries cannot be watched", { status: 422 });
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, [viewKey(parsed.data.view)]);
    server.serializeAttachment(parsed.data);
    server.send(JSON.stringify(this.#snapshot(parsed.data.view)));
    await this.#schedule();
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (message === "ping") ws.send("pong");
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    try {
      ws.close(code === 1005 ? 1000 : code, "closed");
    } catch {
      // already closed
    }
  }

  /** What a view shows now, as sent to its subscribers. */
  #snapshot(view: SubscriptionView): { type: "snapshot"; rows: JsonValue[]; truncated: boolean } | { type: "error"; message: string } {
    const meta = this.ctx.storage.kv.get<StoreMeta>("meta");
    if (view.kind === "prefix") {
      if (!meta) return { type: "snapshot", rows: [], truncated: false };
      const page = this.#engine.kvList(view.prefix, undefined, view.limit);
      return { type: "snapshot", rows: page.items as JsonValue[], truncated: page.next !== null };
    }
    const read = this.#engine.read(view.sql, view.params, view.limit);
    return read.ok ? { type: "snapshot", rows: read.value.rows, truncated: read.value.truncated } : { type: "error", message: read.message };
  }

  /**
   * After a write: every view is evaluated once and sent to the subscribers watching it who may still
   * read (each credential asked once per round); the others are closed and see nothing of the write.
   */
  async #notify(): Promise<void> {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return;
    const allowed = await this.#reauthorize(sockets);
    const byView = new Map<string, WebSocket[]>();
    for (const ws of allowed) {
      const key = this.ctx.getTags(ws)[0] ?? "";
      byView.set(key, [...(byView.get(key) ?? []), ws]);
    }
    for (const group of byView.values()) {
      const view = (group[0]?.deserializeAttachment() as Subscription | null)?.view;
      if (!view) continue;
      const started = Date.now();
      const message = JSON.stringify(this.#snapshot(view));
      if (Date.now() - started > VIEW_BUDGET_MS) {
        for (const ws of group) end(ws, CLOSE.invalidView, `this view took over ${VIEW_BUDGET_MS} ms to evaluate; watch a cheaper query`);
        continue;
      }
      for (const ws of group) {
        try {
          ws.send(message);
        } catch {
          // the subscriber went away meanwhile
        }
      }
    }
  }

  /** Asks the gateway about each distinct subscriber; closes those who lost access. Answers the rest. */
  async #reauthorize(sockets: WebSocket[]): Promise<WebSocket[]> {
    const access = (exports as unknown as { StoreAccess: AccessChecker }).StoreAccess;
    const verdicts = new Map<string, Promise<boolean>>();
    const keep: WebSocket[] = [];
    await Promise.all(
      sockets.map(async (ws) => {
        const sub = ws.deserializeAttachment() as Subscription | null;
        if (!sub) return end(ws, CLOSE.accessEnded, "access ended");
        const key = ticketKey(sub.ticket);
        if (!verdicts.has(key)) verdicts.set(key, access.allowed(sub.ticket).catch(() => false));
        if (await verdicts.get(key)) keep.push(ws);
        else end(ws, CLOSE.accessEnded, "access ended");
      }),
    );
    return keep;
  }

  /** The next alarm: the store's expiry, or the next re-authorisation while anyone subscribes. */
  async #schedule(): Promise<void> {
    const meta = this.ctx.storage.kv.get<StoreMeta>("meta");
    const times = [meta?.expiresAt ?? Infinity, this.ctx.getWebSockets().length > 0 ? Date.now() + REAUTHORIZE_MS : Infinity];
    const next = Math.min(...times);
    if (next === Infinity) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }

  override async alarm(): Promise<void> {
    const meta = this.ctx.storage.kv.get<StoreMeta>("meta");
    if (meta?.expiresAt != null && meta.expiresAt <= Date.now()) {
      await this.drop();
      return;
    }
    await this.#reauthorize(this.ctx.getWebSockets());
    await this.#schedule();
  }
}

/**
 * Ends a subscription: a last `ended` message (a proxy in front may not pass the close code on),
 * then the close itself; from then on the socket is no longer among the object's subscribers.
 */
function end(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.send(JSON.stringify({ type: "ended", code, reason }));
    ws.close(code, reason);
  } catch {
    // already closed
  }
}
