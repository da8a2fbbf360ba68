import { and, eq } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { newId } from "../../core/ids";
import { canonicalJson } from "../../core/evidence";
import type { AuthTemplate, CatalogToolDefinition, Result, Source, SourceInput } from "../../schemas";
import { fail, ok } from "../../schemas";
import { rowInserter } from "./bulk-insert";
import { firstGrant, refreshGrant, reviewGrant, untouched } from "./grants";
import type { CatalogTool } from "./rows";
import { sourceFromRow, toolFromRow } from "./rows";
import { indexTool, unindexSource, unindexTool } from "./search";
import { connections, documents, policies, sources, tools } from "./tables";

/** Below Durable Object SQLite's 2 MB value limit, with room for UTF-8 expansion. */
const DOCUMENT_CHUNK_CHARS = 512 * 1024;

type Db = DrizzleSqliteDODatabase<Record<string, never>>;

/**
 * What a refresh did: `changed` tools keep their grant (the definition changed, not where it sends
 * the credential); `moved` ones lost it because their destination or the source's auth templates
 * changed (DESIGN invariant 6) and await review again, like `added` ones.
 */
export type ToolSyncReport = { added: string[]; changed: string[]; moved: string[]; removed: string[]; unchanged: number };

/** A resolved manifest as the catalog stores it; `authFingerprint` is core/grant's hash of `auth`. */
export type StoredManifest = { hash: string; auth: AuthTemplate[]; authFingerprint: string; document?: string };

export function createSource(db: Db, scope: string, input: SourceInput, now: number): Result<Source> {
  if (db.select({ id: sources.id }).from(sources).where(eq(sources.slug, input.slug)).get()) {
    return fail("conflict", `a source named '${input.slug}' already exists in scope '${scope}'`);
  }
  const row = { id: newId("src"), ...input, manifestHash: null, auth: [], createdAt: now, updatedAt: now };
  db.insert(sources).values(row).run();
  return ok(sourceFromRow(row, scope));
}

export function getSource(db: Db, scope: string, slug: string): Result<Source> {
  const row = db.select().from(sources).where(eq(sources.slug, slug)).get();
  return row ? ok(sourceFromRow(row, scope)) : fail("not_found", `no source '${slug}' in scope '${scope}'`);
}

export function listSources(db: Db, scope: string): Source[] {
  return db.select().from(sources).orderBy(sources.slug).all().map((r) => sourceFromRow(r, scope));
}

export function updateSource(
  db: Db,
  scope: string,
  slug: string,
  patch: Partial<Pick<Source, "title" | "config" | "local">>,
  now: number,
): Result<Source> {
  const updated = db
    .update(sources)
    .set({ ...patch, updatedAt: now })
    .where(eq(sources.slug, slug))
    .returning()
    .get();
  return updated ? ok(sourceFromRow(updated, scope)) : fail("not_found", `no source '${slug}' in scope '${scope}'`);
}

/** Deletes a source with its tools, connections and policies, in one transaction (DESIGN invariant 8). */
export function deleteSource(db: Db, sql: SqlStorage, scope: string, slug: string): Result<{ deleted: string }> {
  const row = db.select({ id: sources.id }).from(sources).where(eq(sources.slug, slug)).get();
  if (!row) return fail("not_found", `no source '${slug}' in scope '${scope}'`);
  db.transaction((tx) => {
    tx.delete(tools).where(eq(tools.sourceId, row.id)).run();
    tx.delete(documents).where(eq(documents.sourceId, row.id)).run();
    tx.delete(connections).where(eq(connections.source, slug)).run();
    tx.delete(policies).where(eq(policies.source, slug)).run();
    tx.delete(sources).where(eq(sources.id, row.id)).run();
    unindexSource(sql, slug);
  });
  return ok({ deleted: slug });
}

/**
 * Replaces a source's tools with a freshly resolved manifest. On the first import every tool is
 * granted at its destination and the source's auth; on a refresh new tools arrive `awaiting_review`,
 * tools whose destination or auth moved lose their grant, and changed ones keep it but are flagged by
 * hash, so a refresh never grants new operations or new destinations by itself (DESIGN invariant 6).
 */
export function syncTools(
  db: Db,
  sql: SqlStorage,
  scope: string,
  slug: string,
  definitions: CatalogToolDefinition[],
  manifest: StoredManifest,
  now: number,
): Result<ToolSyncReport> {
  const source = db.select().from(sources).where(eq(sources.slug, slug)).get();
  if (!source) return fail("not_found", `no source '${slug}' in scope '${scope}'`);
  const names = new Set<string>();
  for (const d of definitions) {
    if (names.has(d.name)) return fail("invalid_input", `tool name '${d.name}' appears twice in the manifest`);
    names.add(d.name);
  }
  const firstImport = source.manifestHash === null;
  const auth = { before: source.auth ?? [], after: manifest.auth, fingerprint: manifest.authFingerprint };
  const existing = new Map(
    db.select().from(tools).where(eq(tools.sourceId, source.id)).all().map((t) => [t.name, t] as const),
  );
  const report: ToolSyncReport = { added: [], changed: [], moved: [], removed: [], unchanged: 0 };
  const insertTool = rowInserter(sql, tools);
  db.transaction((tx) => {
    for (const d of definitions) {
      const prior = existing.get(d.name);
      const values = {
        description: d.description,
        inputSchema: d.inputSchema ?? null,
        outputSchema: d.outputSchema ?? null,
        sideEffect: d.sideEffect,
        hash: d.hash,
        invocation: d.invocation,
        destination: d.destination,
        updatedAt: now,
      };
      if (!prior) {
        report.added.push(d.name);
        const grant = firstImport
          ? firstGrant(d, manifest.authFingerprint)
          : { status: "awaiting_review", grantedHash: null, grantedDestination: null, grantedAuth: null };
        insertTool({ sourceId: source.id, name: d.name, ...values, ...grant, createdAt: now });
        indexTool(sql, slug, d);
        continue;
      }
      const { grant, outcome } = refreshGrant(prior, d, auth);
      if (outcome === "unchanged") report.unchanged++;
      else report[outcome].push(d.name);
      if (untouched(prior, d, grant)) continue;
      tx.update(tools).set({ ...values, ...grant }).where(and(eq(tools.sourceId, source.id), eq(tools.name, d.name))).run();
      if (prior.hash !== d.hash) indexTool(sql, slug, d);
    }
    for (const name of existing.keys()) {
      if (names.has(name)) continue;
      report.removed.push(name);
      tx.delete(tools).where(and(eq(tools.sourceId, source.id), eq(tools.name, name))).run();
      unindexTool(sql, slug, name);
    }
    tx.update(sources).set({ manifestHash: manifest.hash, auth: manifest.auth, updatedAt: now }).where(eq(sources.id, source.id)).run();
    if (manifest.document !== undefined) {
      tx.delete(documents).where(eq(documents.sourceId, source.id)).run();
      for (let i = 0, idx = 0; i < manifest.document.length; i += DOCUMENT_CHUNK_CHARS, idx++) {
        tx.insert(documents).values({ sourceId: source.id, idx, chunk: manifest.document.slice(i, i + DOCUMENT_CHUNK_CHARS) }).run();
      }
    }
  });
  return ok(report);
}

export function listTools(db: Db, scope: string, slug: string): Result<CatalogTool[]> {
  const source = db.select({ id: sources.id }).from(sources).where(eq(sources.slug, slug)).get();
  if (!source) return fail("not_found", `no source '${slug}' in scope '${scope}'`);
  const rows = db.select().from(tools).where(eq(tools.sourceId, source.id)).orderBy(tools.name).all();
  return ok(rows.map((r) => toolFromRow(r, slug)));
}

export function getTool(db: Db, scope: string, slug: string, name: string): Result<CatalogTool> {
  const source = db.select({ id: sources.id }).from(sources).where(eq(sources.slug, slug)).get();
  if (!source) return fail("not_found", `no source '${slug}' in scope '${scope}'`);
  const row = db.select().from(tools).where(and(eq(tools.sourceId, source.id), eq(tools.name, name))).get();
  return row ? ok(toolFromRow(row, slug)) : fail("not_found", `no tool '${name}' in source '${slug}'`);
}

/**
 * Grants a tool at its current definition, destination and auth (review of a new, changed or moved
 * tool). `auth` is the source's auth templates the caller fingerprinted: if a refresh replaced them
 * meanwhile, nothing is granted (the grant would cover auth nobody reviewed).
 */
export function grantTool(
  db: Db,
  scope: string,
  slug: string,
  name: string,
  auth: { templates: readonly AuthTemplate[]; fingerprint: string },
  now: number,
): Result<CatalogTool> {
  const source = db.select({ id: sources.id, auth: sources.auth }).from(sources).where(eq(sources.slug, slug)).get();
  if (!source) return fail("not_found", `no source '${slug}' in scope '${scope}'`);
  if (canonicalJson(source.auth ?? []) !== canonicalJson(auth.templates)) {
    return fail("conflict", `source '${slug}' was refreshed while the grant was being made; grant again`);
  }
  const where = and(eq(tools.sourceId, source.id), eq(tools.name, name));
  const current = db.select({ hash: tools.hash, destination: tools.destination }).from(tools).where(where).get();
  if (!current) return fail("not_found", `no tool '${name}' in source '${slug}'`);
  const row = db
    .update(tools)
    .set({ ...reviewGrant(current, auth.fingerprint), updatedAt: now })
    .where(where)
    .returning()
    .get();
  return row ? ok(toolFromRow(row, slug)) : fail("not_found", `no tool '${name}' in source '${slug}'`);
}

export function deleteTool(db: Db, sql: SqlStorage, scope: string, slug: string, name: string): Result<{ deleted: string }> {
  const source = db.select({ id: sources.id }).from(sources).where(eq(sources.slug, slug)).get();
  if (!source) return fail("not_found", `no source '${slug}' in scope '${scope}'`);
  const row = db
    .delete(tools)
    .where(and(eq(tools.sourceId, source.id), eq(tools.name, name)))
    .returning({ name: tools.name })
    .get();
  if (row) unindexTool(sql, slug, name);
  return row ? ok({ deleted: name }) : fail("not_found", `no tool '${name}' in source '${slug}'`);
}

/** The uploaded document of a source, reassembled from its chunks (null when none was uploaded). */
export function getDocument(db: Db, scope: string, slug: string): Result<string | null> {
  const source = db.select({ id: sources.id }).from(sources).where(eq(sources.slug, slug)).get();
  if (!source) return fail("not_found", `no source '${slug}' in scope '${scope}'`);
  const chunks = db.select({ chunk: documents.chunk }).from(documents).where(eq(documents.sourceId, source.id)).orderBy(documents.idx).all();
  return ok(chunks.length ? chunks.map((c) => c.chunk).join("") : null);
}
