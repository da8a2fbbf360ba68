import { DurableObject } from "cloudflare:workers";
import type { Budget, StoreKind, StoreMeta, StoreResult, Usage } from "../data-store/limits";
import { StoreMeta as MetaSchema, storeFail, storeOk } from "../data-store/limits";

/** A store as its scope lists it. */
export type StoreEntry = StoreMeta & { createdAt: number; createdBy: string; usage: Usage };
export type Quota = { bytes: number; rows: number; stores: number };

/**
 * The stores placed in one scope and what each uses (one instance per scope, `idFromName(scope)`),
 * so the scope's quota is one sum here rather than a walk over every store. Key-value storage only.
 * A store is callable only while its connection on the `store` source exists in the scope's catalog;
 * this object says what kind it is, when it expires, and how much more it may hold.
 */
export class StoreRegistry extends DurableObject {
  #entries(): StoreEntry[] {
    return [...this.ctx.storage.kv.list<StoreEntry>({ prefix: "store:" })].map(([, v]) => v);
  }

  list(): StoreEntry[] {
    const now = Date.now();
    return this.#entries().filter((e) => e.expiresAt === null || e.expiresAt > now);
  }

  /** Records a new store; a live one of the same name is a conflict, an expired one is replaced. */
  create(input: unknown, createdBy: string, quota: Quota): StoreResult<StoreEntry & { pruned: string[] }> {
    const parsed = MetaSchema.safeParse(input);
    if (!parsed.success) return storeFail("invalid_input", "store metadata is invalid");
    // Expired stores leave now (the caller removes their connections), so they never pile up.
    const now = Date.now();
    const pruned = this.#entries().filter((e) => e.expiresAt !== null && e.expiresAt <= now).map((e) => e.name);
    for (const name of pruned) this.ctx.storage.kv.delete(`store:${name}`);
    const live = this.list();
    if (live.some((e) => e.name === parsed.data.name)) return storeFail("conflict", `a store named ${parsed.data.name} already exists in this scope`);
    if (live.length >= quota.stores) return storeFail("quota_exceeded", `this scope may hold at most ${quota.stores} stores`);
    const entry: StoreEntry = { ...parsed.data, createdAt: Date.now(), createdBy, usage: { bytes: 0, rows: 0 } };
    this.ctx.storage.kv.put(`store:${entry.name}`, entry);
    return storeOk({ ...entry, pruned });
  }

  /** The store and how much it may grow to: the scope's quota less what the other stores hold. */
  budget(name: string, quota: Quota): StoreResult<{ meta: StoreMeta; budget: Budget }> {
    const entries = this.#entries();
    const entry = entries.find((e) => e.name === name);
    if (!entry) return storeFail("not_found", `no store named ${name} in this scope`);
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) return storeFail("expired", `store ${name} has expired`);
    const others = entries.filter((e) => e.name !== name);
    const used = others.reduce((sum, e) => ({ bytes: sum.bytes + e.usage.bytes, rows: sum.rows + e.usage.rows }), { bytes: 0, rows: 0 });
    const { createdAt: _c, createdBy: _b, usage: _u, ...meta } = entry;
    return storeOk({ meta, budget: { bytes: quota.bytes - used.bytes, rows: quota.rows - used.rows } });
  }

  /** What a store holds after a write (the store measured it in the write's own transaction). */
  report(name: string, usage: Usage): void {
    const entry = this.ctx.storage.kv.get<StoreEntry>(`store:${name}`);
    if (entry) this.ctx.storage.kv.put(`store:${name}`, { ...entry, usage });
  }

  remove(name: string): boolean {
    return this.ctx.storage.kv.delete(`store:${name}`);
  }

  kindOf(name: string): StoreKind | null {
    return this.ctx.storage.kv.get<StoreEntry>(`store:${name}`)?.kind ?? null;
  }
}
