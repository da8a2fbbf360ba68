import { eq } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { newId } from "../../core/ids";
import type { JsonObject, Result, Toolkit, ToolkitInput } from "../../schemas";
import { fail, ok } from "../../schemas";
import { toolkitFromRow } from "./rows";
import { toolkits } from "./tables";

type Db = DrizzleSqliteDODatabase<Record<string, never>>;

export function createToolkit(db: Db, scope: string, input: ToolkitInput, now: number): Result<Toolkit> {
  if (db.select({ id: toolkits.id }).from(toolkits).where(eq(toolkits.slug, input.slug)).get()) {
    return fail("conflict", `a toolkit named '${input.slug}' already exists in scope '${scope}'`);
  }
  const row = { id: newId("tk"), ...input, createdAt: now, updatedAt: now };
  const inserted = db.insert(toolkits).values(row).returning().get();
  return ok(toolkitFromRow(inserted, scope));
}

export function getToolkit(db: Db, scope: string, slug: string): Result<Toolkit> {
  const row = db.select().from(toolkits).where(eq(toolkits.slug, slug)).get();
  return row ? ok(toolkitFromRow(row, scope)) : fail("not_found", `no toolkit '${slug}' in scope '${scope}'`);
}

export function listToolkits(db: Db, scope: string): Toolkit[] {
  return db.select().from(toolkits).orderBy(toolkits.slug).all().map((r) => toolkitFromRow(r, scope));
}

export function updateToolkit(
  db: Db,
  scope: string,
  slug: string,
  patch: Partial<Omit<ToolkitInput, "slug">>,
  now: number,
): Result<Toolkit> {
  const row = db
    .update(toolkits)
    .set({ ...patch, updatedAt: now })
    .where(eq(toolkits.slug, slug))
    .returning()
    .get();
  return row ? ok(toolkitFromRow(row, scope)) : fail("not_found", `no toolkit '${slug}' in scope '${scope}'`);
}

export function deleteToolkit(db: Db, scope: string, slug: string): Result<{ deleted: string }> {
  const row = db.delete(toolkits).where(eq(toolkits.slug, slug)).returning({ id: toolkits.id }).get();
  return row ? ok({ deleted: slug }) : fail("not_found", `no toolkit '${slug}' in scope '${scope}'`);
}

/** The largest promoted surface kept (a Durable Object SQLite value holds at most 2 MB). */
const MAX_PINNED_CHARS = 1_500_000;

/**
 * Promotes a toolkit: its current surface (exposed tools with their schemas and hashes) becomes the
 * version its routes and document serve, and the version number goes up, in one write.
 */
export function pinToolkit(db: Db, scope: string, slug: string, surface: JsonObject, now: number): Result<Toolkit> {
  const current = db.select({ version: toolkits.version }).from(toolkits).where(eq(toolkits.slug, slug)).get();
  if (!current) return fail("not_found", `no toolkit '${slug}' in scope '${scope}'`);
  if (JSON.stringify(surface).length > MAX_PINNED_CHARS) return fail("invalid_input", `the toolkit's tools and schemas are over ${MAX_PINNED_CHARS} characters: too large to pin`);
  const version = current.version + 1;
  const row = db
    .update(toolkits)
    .set({ pinnedSurface: { ...surface, version }, version, updatedAt: now })
    .where(eq(toolkits.slug, slug))
    .returning()
    .get();
  return row ? ok(toolkitFromRow(row, scope)) : fail("not_found", `no toolkit '${slug}' in scope '${scope}'`);
}

/** Stops serving the promoted version: routes follow the catalog again. */
export function unpinToolkit(db: Db, scope: string, slug: string, now: number): Result<Toolkit> {
  const row = db.update(toolkits).set({ pinnedSurface: null, updatedAt: now }).where(eq(toolkits.slug, slug)).returning().get();
  return row ? ok(toolkitFromRow(row, scope)) : fail("not_found", `no toolkit '${slug}' in scope '${scope}'`);
}

/** The promoted surface of a pinned toolkit, or null. */
export function pinnedSurface(db: Db, scope: string, slug: string): Result<JsonObject | null> {
  const row = db.select({ pinnedSurface: toolkits.pinnedSurface }).from(toolkits).where(eq(toolkits.slug, slug)).get();
  return row ? ok(row.pinnedSurface ?? null) : fail("not_found", `no toolkit '${slug}' in scope '${scope}'`);
}

