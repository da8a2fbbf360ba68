import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { z } from "zod";
import { authFingerprint } from "../../core/grant";
import migrations from "../../migrations/scope-catalog/migrations.js";
import type { Connection, JsonObject, Policy, Result, Skill, Source, Toolkit } from "../../schemas";
import {
  ArtifactName,
  AuthTemplate,
  JsonObject as JsonObjectSchema,
  CatalogToolDefinition,
  ConnectionInput,
  PolicyInput,
  ScopeId,
  SecretRef,
  Sha256Hex,
  Slug,
  SourceInput,
  ToolkitInput,
  ToolkitPatch,
  ToolkitSurface,
  ToolName,
  fail,
  parseInput,
} from "../../schemas";
import * as arts from "./artifacts";
import * as conns from "./connections";
import * as pols from "./policies";
import type { CatalogTool } from "./rows";
import { importSource } from "./import";
import type { SearchHit } from "./search";
import { rebuildIndex, searchTools } from "./search";
import * as srcs from "./sources";
import type { ToolSyncReport } from "./sources";
import * as kits from "./toolkits";

const SearchInput = z.object({
  query: z.string().max(512).default(""),
  source: Slug.optional(),
  limit: z.number().int().min(1).max(1000).default(50),
  offset: z.number().int().min(0).max(100_000).default(0),
});
const ScopeSearchInput = SearchInput.extend({ skills: z.boolean().default(false) });
export type ScopeSearch = { connections: Connection[]; sources: Source[]; hits: SearchHit[]; skills?: Skill[] };
const SourcePatch = SourceInput.pick({ title: true, config: true, local: true }).partial().strict();

const SealedInput = z.object({
  id: z.string().regex(/^[a-z0-9_-]{8,64}$/),
  ciphertext: z.string().min(1).max(16_384),
  iv: z.string().min(1).max(64),
});
const ToolSync = z.object({
  /** Each with the destination its plugin gives it: what a grant covers (DESIGN invariant 6). */
  tools: z.array(CatalogToolDefinition).max(50_000),
  manifestHash: Sha256Hex,
  auth: z.array(AuthTemplate).max(32).default([]),
  /** An uploaded document to keep with the source (stored in chunks). */
  document: z.string().max(64 * 1024 * 1024).optional(),
});
const ArtifactSetInput = z.object({
  tools: z.array(CatalogToolDefinition).max(1_000),
  skills: z.array(z.object({ name: ArtifactName, description: z.string().max(1024), body: z.string().max(256 * 1024), public: z.boolean() })).max(1_000),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  expectedLive: z.string().regex(/^[0-9a-f]{40}$/).nullable(),
  authors: z.array(z.object({ moduleHash: Sha256Hex, author: JsonObjectSchema })).max(1_000),
});
const ImportInput = ToolSync.extend({
  source: SourceInput,
  connection: ConnectionInput.omit({ source: true }).extend({ sealed: SealedInput.optional() }).optional(),
});

/**
 * Everything placed in one scope: sources, their tools, connections, policies and toolkits.
 * One instance per scope, addressed by `idFromName(scopeId)`. Every method validates its arguments
 * (RPC is a trust boundary) and answers a Result rather than throwing, so callers can map failures.
 */
export class ScopeCatalog extends DurableObject {
  readonly #db: DrizzleSqliteDODatabase<Record<string, never>>;
  readonly #scope: string;
  readonly #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#db = drizzle(ctx.storage, { logger: false });
    this.#sql = ctx.storage.sql;
    const name = ctx.id.name;
    this.#scope = name !== undefined && ScopeId.safeParse(name).success ? name : "";
    // Migrations run once per instance start, before any request is served.
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(this.#db, migrations);
      rebuildIndex(this.#sql);
    });
  }

  #guard<T>(run: (scope: string) => Result<T>): Result<T> {
    if (this.#scope === "") return fail("wrong_scope", "catalog must be addressed by a scope id (idFromName)");
    return run(this.#scope);
  }

  // Sources and tools

  createSource(input: unknown): Result<Source> {
    return this.#guard((scope) => {
      const parsed = parseInput(SourceInput, input);
      return parsed.ok ? srcs.createSource(this.#db, scope, parsed.value, Date.now()) : parsed;
    });
  }

  /** A source, its tools and optionally its first connection, in one transaction (import.ts). */
  async importSource(input: unknown): Promise<Result<{ source: Source; tools: ToolSyncReport; connection: Connection | null }>> {
    const parsed = parseInput(ImportInput, input);
    const fingerprint = parsed.ok ? await authFingerprint(parsed.value.auth) : "";
    return this.#guard((scope) => {
      if (!parsed.ok) return parsed;
      const { source, tools, manifestHash, auth, document, connection } = parsed.value;
      const manifest = { hash: manifestHash, auth, authFingerprint: fingerprint, ...(document === undefined ? {} : { document }) };
      const conn = connection ? { input: { name: connection.name, secretRef: connection.secretRef }, ...(connection.sealed ? { sealed: connection.sealed } : {}) } : undefined;
      return importSource(this.ctx.storage, this.#db, scope, { source, tools, manifest, ...(conn ? { connection: conn } : {}) }, Date.now());
    });
  }

  getSource(slug: string): Result<Source> {
    return this.#guard((scope) => (Slug.safeParse(slug).success ? srcs.getSource(this.#db, scope, slug) : notFound("source", slug)));
  }

  listSources(): Result<Source[]> {
    return this.#guard((scope) => ({ ok: true, value: srcs.listSources(this.#db, scope) }));
  }

  updateSource(slug: string, patch: unknown): Result<Source> {
    return this.#guard((scope) => {
      const parsed = parseInput(SourcePatch, patch);
      return parsed.ok ? srcs.updateSource(this.#db, scope, slug, parsed.value, Date.now()) : parsed;
    });
  }

  deleteSource(slug: string): Result<{ deleted: string }> {
    return this.#guard((scope) => srcs.deleteSource(this.#db, this.#sql, scope, slug));
  }

  async syncTools(slug: string, input: unknown): Promise<Result<ToolSyncReport>> {
    const parsed = parseInput(ToolSync, input);
    const fingerprint = parsed.ok ? await authFingerprint(parsed.value.auth) : "";
    return this.#guard((scope) => {
      if (!parsed.ok) return parsed;
      const { tools, manifestHash, auth, document } = parsed.value;
      const manifest = { hash: manifestHash, auth, authFingerprint: fingerprint, ...(document === undefined ? {} : { document }) };
      return srcs.syncTools(this.#db, this.#sql, scope, slug, tools, manifest, Date.now());
    });
  }

  getDocument(slug: string): Result<string | null> {
    return this.#guard((scope) => srcs.getDocument(this.#db, scope, slug));
  }

  listTools(slug: string): Result<CatalogTool[]> {
    return this.#guard((scope) => srcs.listTools(this.#db, scope, slug));
  }

  getTool(slug: string, name: string): Result<CatalogTool> {
    return this.#guard((scope) =>
      ToolName.safeParse(name).success ? srcs.getTool(this.#db, scope, slug, name) : notFound("tool", name),
    );
  }

  /** Grants a tool at its current definition, destination and the source's current auth (invariant 6). */
  async grantTool(slug: string, name: string): Promise<Result<CatalogTool>> {
    const source = this.#guard((scope) => srcs.getSource(this.#db, scope, slug));
    if (!source.ok) return source;
    const templates = source.value.auth;
    const fingerprint = await authFingerprint(templates);
    return this.#guard((scope) => srcs.grantTool(this.#db, scope, slug, name, { templates, fingerprint }, Date.now()));
  }

  deleteTool(slug: string, name: string): Result<{ deleted: string }> {
    return this.#guard((scope) => srcs.deleteTool(this.#db, this.#sql, scope, slug, name));
  }

  // Authored artifacts (artifacts.ts)

  /** Swaps the live custom tools and skills to one commit, in one transaction. */
  async deployArtifacts(input: unknown): Promise<Result<ToolSyncReport>> {
    const fingerprint = await authFingerprint([]);
    return this.#guard((scope) => {
      const parsed = parseInput(ArtifactSetInput, input);
      return parsed.ok ? arts.deployArtifacts(this.ctx.storage, this.#db, this.#sql, scope, parsed.value, fingerprint, Date.now()) : parsed;
    });
  }

  /** Who each of these modules was captured from at an earlier deploy, by module hash. */
  moduleAuthors(hashes: unknown): Result<Record<string, JsonObject>> {
    const parsed = z.array(Sha256Hex).max(1_000).safeParse(hashes);
    return this.#guard(() => (parsed.success ? { ok: true, value: arts.authorsOf(this.#db, parsed.data) } : fail("invalid_input", "hashes must be SHA-256 hex strings")));
  }

  liveArtifacts(): Result<string | null> {
    return this.#guard(() => ({ ok: true, value: arts.liveCommit(this.#db) }));
  }

  listSkills(): Result<Skill[]> {
    return this.#guard((scope) => ({ ok: true, value: arts.listSkills(this.#db, scope) }));
  }

  getSkill(name: string): Result<Skill> {
    return this.#guard((scope) => arts.getSkill(this.#db, scope, name));
  }

  /** Ranked full-text search over this scope's tools; an empty query lists them by name. */
  searchTools(input: unknown): Result<SearchHit[]> {
    return this.#guard(() => {
      const parsed = parseInput(SearchInput, input);
      if (!parsed.ok) return parsed;
      const { query, source, limit, offset } = parsed.value;
      return { ok: true, value: searchTools(this.#sql, query, { ...(source ? { source } : {}), limit, offset }) };
    });
  }

  /**
   * What a search needs of this scope in one round trip (issue 13: a DO round trip costs about as
   * much as the search itself): its connections and sources, which decide what the principal can
   * address, its ranked hits and, when asked, its skills.
   */
  searchScope(input: unknown): Result<ScopeSearch> {
    return this.#guard((scope) => {
      const parsed = parseInput(ScopeSearchInput, input);
      if (!parsed.ok) return parsed;
      const { query, source, limit, offset, skills } = parsed.value;
      return {
        ok: true,
        value: {
          connections: conns.listConnections(this.#db, scope),
          sources: srcs.listSources(this.#db, scope),
          hits: searchTools(this.#sql, query, { ...(source ? { source } : {}), limit, offset }),
          ...(skills ? { skills: arts.listSkills(this.#db, scope) } : {}),
        },
      };
    });
  }

  // Connections

  /** Creates a connection; with `sealed`, its vault secret is stored in the same transaction. */
  createConnection(input: unknown, sealed?: unknown): Result<Connection> {
    return this.#guard((scope) => {
      const parsed = parseInput(ConnectionInput, input);
      if (!parsed.ok) return parsed;
      const seal = parseInput(SealedInput.optional(), sealed);
      if (!seal.ok) return seal;
      return conns.createConnection(this.#db, scope, parsed.value, Date.now(), seal.value);
    });
  }

  /** The sealed bytes behind a vault ref; opened only by the gateway, which holds the key. */
  getSealedSecret(id: string): Result<conns.Sealed> {
    return this.#guard(() => conns.getSealed(this.#db, id));
  }

  getConnection(source: string, name: string): Result<Connection> {
    return this.#guard((scope) => conns.getConnection(this.#db, scope, source, name));
  }

  /**
   * A connection with its sealed vault secret (ciphertext; this object never holds the key) in one
   * round trip: the invocation path reads both before the upstream request (issue 13: fewer round trips).
   */
  getConnectionSealed(source: string, name: string): Result<{ connection: Connection; sealed: conns.Sealed | null }> {
    return this.#guard((scope) => {
      const found = conns.getConnection(this.#db, scope, source, name);
      if (!found.ok) return found;
      const ref = found.value.secretRef;
      const sealed = ref?.startsWith("vault://") ? conns.getSealed(this.#db, ref.slice("vault://".length)) : null;
      return { ok: true, value: { connection: found.value, sealed: sealed?.ok ? sealed.value : null } };
    });
  }

  listConnections(source?: string): Result<Connection[]> {
    return this.#guard((scope) => ({ ok: true, value: conns.listConnections(this.#db, scope, source) }));
  }

  updateConnection(source: string, name: string, secretRef: unknown, sealed?: unknown): Result<Connection> {
    return this.#guard((scope) => {
      const parsed = parseInput(SecretRef.nullable(), secretRef);
      if (!parsed.ok) return parsed;
      const seal = parseInput(SealedInput.optional(), sealed);
      if (!seal.ok) return seal;
      return conns.updateConnection(this.#db, scope, source, name, parsed.value, Date.now(), seal.value);
    });
  }

  deleteConnection(source: string, name: string): Result<Connection> {
    return this.#guard((scope) => conns.deleteConnection(this.#db, scope, source, name));
  }

  // Policies

  createPolicy(input: unknown): Result<Policy> {
    return this.#guard((scope) => {
      const parsed = parseInput(PolicyInput, input);
      return parsed.ok ? pols.createPolicy(this.#db, scope, parsed.value, Date.now()) : parsed;
    });
  }

  getPolicy(id: string): Result<Policy> {
    return this.#guard((scope) => pols.getPolicy(this.#db, scope, id));
  }

  listPolicies(source?: string): Result<Policy[]> {
    return this.#guard((scope) => ({ ok: true, value: pols.listPolicies(this.#db, scope, source) }));
  }

  updatePolicy(id: string, input: unknown): Result<Policy> {
    return this.#guard((scope) => {
      const parsed = parseInput(PolicyInput, input);
      return parsed.ok ? pols.updatePolicy(this.#db, scope, id, parsed.value, Date.now()) : parsed;
    });
  }

  deletePolicy(id: string): Result<{ deleted: string }> {
    return this.#guard((scope) => pols.deletePolicy(this.#db, scope, id));
  }

  // Toolkits

  createToolkit(input: unknown): Result<Toolkit> {
    return this.#guard((scope) => {
      const parsed = parseInput(ToolkitInput, input);
      return parsed.ok ? kits.createToolkit(this.#db, scope, parsed.value, Date.now()) : parsed;
    });
  }

  getToolkit(slug: string): Result<Toolkit> {
    return this.#guard((scope) => kits.getToolkit(this.#db, scope, slug));
  }

  listToolkits(): Result<Toolkit[]> {
    return this.#guard((scope) => ({ ok: true, value: kits.listToolkits(this.#db, scope) }));
  }

  updateToolkit(slug: string, patch: unknown): Result<Toolkit> {
    return this.#guard((scope) => {
      const parsed = parseInput(ToolkitPatch, patch);
      return parsed.ok ? kits.updateToolkit(this.#db, scope, slug, parsed.value, Date.now()) : parsed;
    });
  }

  /** Promotes the toolkit: `surface` (its exposed tools now) becomes the pinned version its routes serve. */
  pinToolkit(slug: string, surface: unknown): Result<Toolkit> {
    return this.#guard((scope) => {
      const parsed = parseInput(ToolkitSurface, surface);
      return parsed.ok ? kits.pinToolkit(this.#db, scope, slug, parsed.value as unknown as JsonObject, Date.now()) : parsed;
    });
  }

  unpinToolkit(slug: string): Result<Toolkit> {
    return this.#guard((scope) => kits.unpinToolkit(this.#db, scope, slug, Date.now()));
  }

  pinnedSurface(slug: string): Result<ToolkitSurface | null> {
    return this.#guard((scope) => kits.pinnedSurface(this.#db, scope, slug) as Result<ToolkitSurface | null>);
  }

  deleteToolkit(slug: string): Result<{ deleted: string }> {
    return this.#guard((scope) => kits.deleteToolkit(this.#db, scope, slug));
  }
}

function notFound<T>(what: string, name: string): Result<T> {
  return fail("not_found", `no ${what} '${name}'`);
}
