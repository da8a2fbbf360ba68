import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { describe, expect, it } from "vitest";
import { rowInserter } from "./bulk-insert";
import type { ScopeCatalog } from "./index";
import { sources, tools } from "./tables";

const stub = (scope: string): DurableObjectStub<ScopeCatalog> => env.SCOPE_CATALOG.get(env.SCOPE_CATALOG.idFromName(scope));

function row(name: string, outputSchema: typeof tools.$inferSelect.outputSchema): typeof tools.$inferSelect {
  return {
    sourceId: "src_bulk",
    name,
    description: "Lists things ü \u2028 \"quoted\"",
    inputSchema: { type: "object", properties: { a: { enum: [1, null, "x", 2.5] } }, additionalProperties: false },
    outputSchema,
    sideEffect: "read",
    hash: "a".repeat(64),
    grantedHash: null,
    invocation: { method: "GET", path: "/things", params: [] },
    destination: "GET https://api.example.com/things",
    grantedDestination: null,
    grantedAuth: "b".repeat(64),
    status: "granted",
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_001,
  };
}

describe("rowInserter", () => {
  it("stores a row exactly as drizzle's insert does, NULLs and JSON columns included", async () => {
    await runInDurableObject(stub("org_bulk_insert"), (_instance, state) => {
      const db = drizzle(state.storage, { logger: false });
      db.insert(sources).values({ id: "src_bulk", slug: "bulk", kind: "openapi", title: "Bulk", config: {}, local: false, manifestHash: null, auth: [], createdAt: 1, updatedAt: 1 }).run();
      const insert = rowInserter(state.storage.sql, tools);
      for (const [suffix, output] of [["none", null], ["some", { type: "array", items: { $ref: "#/$defs/Thing" } }]] as const) {
        db.insert(tools).values(row(`drizzle-${suffix}`, output)).run();
        insert(row(`inserter-${suffix}`, output));
        const stored = (name: string): Record<string, SqlStorageValue> => {
          const [found] = state.storage.sql.exec("SELECT * FROM tools WHERE name = ?", name).toArray();
          return { ...found, name: "" };
        };
        expect(stored(`inserter-${suffix}`)).toEqual(stored(`drizzle-${suffix}`));
        expect(db.select().from(tools).where(eq(tools.name, `inserter-${suffix}`)).get()).toEqual(row(`inserter-${suffix}`, output));
      }
    });
  });
});
