import { z } from "zod";
import type { CatalogToolDefinition, SideEffect } from "../../../schemas";
import { jsonSchema } from "./executor-manifest";
import { withHash } from "../../../sources/hash";
import { KvDelete, KvGet, KvList, KvPut, SqlExec, SqlQuery, StoreSearch } from "../../../durable-objects/data-store/limits";

/** The built-in source whose connections are a scope's stores (issue 15): `store.<scope>.<store>.<tool>`. */
export const STORE_SLUG = "store";

type Entry = { name: string; sideEffect: SideEffect; description: string; input: z.ZodType; kinds: readonly ("kv" | "sqlite")[] };

/**
 * One tool set for every store; the address's connection segment names the store. Reads are reads,
 * writes are writes, and dropping a store is destructive (it waits for approval unless a policy says
 * otherwise), so toolkits, policies and Runs govern stores as they govern any API.
 */
export const STORE_TOOLS: readonly Entry[] = [
  { name: "get", sideEffect: "read", kinds: ["kv"], input: KvGet, description: "Read one value by key from a key-value store (found: false when there is none)." },
  { name: "put", sideEffect: "write", kinds: ["kv"], input: KvPut, description: "Save (set, store, upsert) a JSON value under a key in a key-value store, replacing any value there." },
  { name: "delete", sideEffect: "write", kinds: ["kv"], input: KvDelete, description: "Delete (remove) one key and its value from a key-value store." },
  { name: "list", sideEffect: "read", kinds: ["kv"], input: KvList, description: "List keys and values of a key-value store in key order, optionally those starting with a prefix; page with `after`." },
  { name: "query", sideEffect: "read", kinds: ["sqlite"], input: SqlQuery, description: "Query a SQLite store with one SQL SELECT (read-only: anything it would change is rolled back); `?` parameters in `params`. Answers the rows." },
  { name: "exec", sideEffect: "write", kinds: ["sqlite"], input: SqlExec, description: "Run SQL that changes a SQLite store (CREATE TABLE, INSERT, UPDATE, DELETE) in one transaction; `rows` inserts a batch, one parameter list per row." },
  { name: "search", sideEffect: "read", kinds: ["kv", "sqlite"], input: StoreSearch, description: "Find rows or values containing some text anywhere in a store (every key and value, or every text column of every table)." },
  { name: "drop", sideEffect: "destructive", kinds: ["kv", "sqlite"], input: z.object({}).strict(), description: "Drop (delete, destroy) the whole store: all its data, for good, and the store itself." },
];

/** Where a store tool "sends" its request, for the grant: the platform's own storage. */
export function storeDestination(name: string): string {
  return `store:${name}`;
}

let cached: Promise<CatalogToolDefinition[]> | null = null;

export function storeTools(): Promise<CatalogToolDefinition[]> {
  cached ??= Promise.all(
    STORE_TOOLS.map(async (t) => ({
      ...(await withHash({ name: t.name, description: t.description, sideEffect: t.sideEffect, inputSchema: jsonSchema(t.input), invocation: {} })),
      destination: storeDestination(t.name),
    })),
  );
  return cached;
}
