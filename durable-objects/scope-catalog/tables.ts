import { sql } from "drizzle-orm";
import type { AuthTemplate, JsonObject } from "../../schemas";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// One ScopeCatalog instance holds what is placed in exactly one scope (its name is the scope id).
// See storage-schema.md beside this file; migrations live in migrations/scope-catalog/.

const timestamps = {
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
};

export const sources = sqliteTable(
  "sources",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    config: text("config", { mode: "json" }).notNull().$type<JsonObject>(),
    local: integer("local", { mode: "boolean" }).notNull(),
    manifestHash: text("manifest_hash"),
    /** The auth templates of the last resolved manifest (where a credential goes on the wire). */
    auth: text("auth", { mode: "json" }).$type<AuthTemplate[]>(),
    ...timestamps,
  },
  (t) => [uniqueIndex("sources_slug").on(t.slug)],
);

export const tools = sqliteTable(
  "tools",
  {
    sourceId: text("source_id")
      .notNull()
      .references(() => sources.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull(),
    inputSchema: text("input_schema", { mode: "json" }).$type<JsonObject>(),
    outputSchema: text("output_schema", { mode: "json" }).$type<JsonObject>(),
    sideEffect: text("side_effect").notNull(),
    hash: text("hash").notNull(),
    /** The hash last granted; differs from `hash` when a refresh changed the definition. */
    grantedHash: text("granted_hash"),
    invocation: text("invocation", { mode: "json" }).notNull().$type<JsonObject>(),
    /** Where the current definition sends its request and credential (null: stored before migration 0006). */
    destination: text("destination"),
    /** The destination the last grant covers (DESIGN invariant 6). */
    grantedDestination: text("granted_destination"),
    /** The fingerprint of the source's auth templates the last grant covers (core/grant). */
    grantedAuth: text("granted_auth"),
    status: text("status").notNull(),
    ...timestamps,
  },
  // `tools_search` covers what a search hit reads of a tool (search.ts), so it never reads the row.
  (t) => [primaryKey({ columns: [t.sourceId, t.name] }), index("tools_search").on(t.sourceId, t.name, t.sideEffect, t.status)],
);

export const connections = sqliteTable(
  "connections",
  {
    id: text("id").primaryKey(),
    source: text("source").notNull(),
    name: text("name").notNull(),
    secretRef: text("secret_ref"),
    ...timestamps,
  },
  (t) => [uniqueIndex("connections_source_name").on(t.source, t.name)],
);

export const policies = sqliteTable(
  "policies",
  {
    id: text("id").primaryKey(),
    source: text("source").notNull(),
    connectionScope: text("connection_scope"),
    connectionName: text("connection_name"),
    tools: text("tools").notNull().default(sql`'*'`),
    action: text("action").notNull(),
    forbidSelfApproval: integer("forbid_self_approval", { mode: "boolean" }).notNull().default(false),
    ...timestamps,
  },
  (t) => [index("policies_source").on(t.source)],
);

export const toolkits = sqliteTable(
  "toolkits",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull(),
    tools: text("tools", { mode: "json" }).notNull().$type<string[]>(),
    patterns: text("patterns", { mode: "json" }).notNull().$type<string[]>(),
    /** Whether a credential bound to this toolkit may run code (run_code); whole-scope credentials always may. */
    runCode: integer("run_code", { mode: "boolean" }).notNull().default(false),
    allowedOrigins: text("allowed_origins", { mode: "json" }).notNull().default(sql`'[]'`).$type<string[]>(),
    rateLimitPerMinute: integer("rate_limit_per_minute"),
    callsPerDay: integer("calls_per_day"),
    defaultConnections: text("default_connections", { mode: "json" }).notNull().default(sql`'{}'`).$type<Record<string, string>>(),
    version: integer("version").notNull().default(0),
    /** The promoted surface (ToolkitSurface JSON) its routes and document serve while pinned; null when not pinned. */
    pinnedSurface: text("pinned_surface", { mode: "json" }).$type<JsonObject>(),
    ...timestamps,
  },
  (t) => [uniqueIndex("toolkits_slug").on(t.slug)],
);

/** The vault: secret values sealed with AES-256-GCM by the gateway; this object never holds the key. */
export const secrets = sqliteTable("secrets", {
  id: text("id").primaryKey(),
  ciphertext: text("ciphertext").notNull(),
  iv: text("iv").notNull(),
  createdAt: integer("created_at").notNull(),
});

/**
 * Uploaded source documents (e.g. an OpenAPI spec), split into chunks below the 2 MB row limit of
 * Durable Object SQLite.
 */
export const documents = sqliteTable(
  "documents",
  {
    sourceId: text("source_id")
      .notNull()
      .references(() => sources.id, { onDelete: "cascade" }),
    idx: integer("idx").notNull(),
    chunk: text("chunk").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.idx] })],
);

/**
 * Skills deployed to this scope (`skills/<name>/SKILL.md` of the scope's artifact repository at the
 * live commit): replaced as a whole, with the scope's custom tools, by each deploy (artifacts.ts).
 */
export const skills = sqliteTable("skills", {
  name: text("name").primaryKey(),
  description: text("description").notNull(),
  body: text("body").notNull(),
  public: integer("public", { mode: "boolean" }).notNull(),
  commit: text("commit").notNull(),
  ...timestamps,
});

/**
 * Who each deployed module was captured from (artifacts.ts): keyed by the module's hash, so a
 * rollback or a redeploy of code someone else wrote keeps that author's narrower authority (the
 * deployer's is intersected in, never substituted). Kept after the tool leaves the live set.
 */
export const moduleAuthors = sqliteTable("module_authors", {
  moduleHash: text("module_hash").primaryKey(),
  author: text("author", { mode: "json" }).notNull().$type<JsonObject>(),
  ...timestamps,
});
