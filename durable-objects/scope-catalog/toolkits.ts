import { eq } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { newId } from "../../core/ids";
import type { Result, Toolkit, ToolkitInput } from "../../schemas";
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
