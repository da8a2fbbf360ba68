import { eq, inArray } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import type { CatalogToolDefinition, Failure, JsonObject, Result, Skill } from "../../schemas";
import { fail, ok } from "../../schemas";
import { createConnection } from "./connections";
import type { ToolSyncReport } from "./sources";
import { createSource, getSource, grantTool, syncTools } from "./sources";
import { moduleAuthors, skills, sources } from "./tables";

type Db = DrizzleSqliteDODatabase<Record<string, never>>;

/** The source every scope's authored tools live in, and its one connection (no secret). */
export const CUSTOM_SLUG = "custom";
export const CUSTOM_CONNECTION = "default";

export type SkillInput = { name: string; description: string; body: string; public: boolean };
export type ArtifactSet = {
  tools: CatalogToolDefinition[];
  skills: SkillInput[];
  /** The commit these files are at: the source's version, recorded on every Run of its tools. */
  commit: string;
  /** The live commit the deploy was validated against (null: nothing deployed yet). */
  expectedLive: string | null;
  /** Each module's captured author, recorded for later deploys of the same code (module_authors). */
  authors: Array<{ moduleHash: string; author: JsonObject }>;
};

/** Recorded authors of these modules, by hash. */
export function authorsOf(db: Db, hashes: string[]): Record<string, JsonObject> {
  if (hashes.length === 0) return {};
  const rows = db.select().from(moduleAuthors).where(inArray(moduleAuthors.moduleHash, hashes)).all();
  return Object.fromEntries(rows.map((r) => [r.moduleHash, r.author]));
}

class Abort extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

function must<T>(result: Result<T>): T {
  if (!result.ok) throw new Abort(result.error);
  return result.value;
}

/** The commit the scope's live set is at, or null before the first deploy. */
export function liveCommit(db: Db): string | null {
  return db.select({ hash: sources.manifestHash }).from(sources).where(eq(sources.slug, CUSTOM_SLUG)).get()?.hash ?? null;
}

/**
 * Swaps the scope's live authored set (its custom tools and its skills) to one commit, as ONE
 * transaction: the `custom` source and its `default` connection are made on the first deploy,
 * tools are synced to exactly the set (removed ones go), each is granted at its new definition (a
 * deploy is the review: its check record showed the set), and the skills are replaced. Refused when
 * another deploy moved the live set since this one was validated, so a diff is never stale.
 */
export function deployArtifacts(storage: DurableObjectStorage, db: Db, sql: SqlStorage, scope: string, set: ArtifactSet, fingerprint: string, now: number): Result<ToolSyncReport> {
  try {
    return storage.transactionSync(() => {
      const live = liveCommit(db);
      if (live !== set.expectedLive) return fail("conflict", `the live set moved to ${live ?? "nothing"} while this deploy was checked against ${set.expectedLive ?? "nothing"}; deploy again`);
      if (!getSource(db, scope, CUSTOM_SLUG).ok) {
        must(createSource(db, scope, { slug: CUSTOM_SLUG, kind: "custom", title: "Custom tools", config: {}, local: false }, now));
        must(createConnection(db, scope, { source: CUSTOM_SLUG, name: CUSTOM_CONNECTION, secretRef: null }, now));
      }
      const report = must(syncTools(db, sql, scope, CUSTOM_SLUG, set.tools, { hash: set.commit, auth: [], authFingerprint: fingerprint }, now));
      for (const tool of set.tools) must(grantTool(db, scope, CUSTOM_SLUG, tool.name, { templates: [], fingerprint }, now));
      for (const a of set.authors) {
        db.insert(moduleAuthors).values({ ...a, createdAt: now, updatedAt: now }).onConflictDoUpdate({ target: moduleAuthors.moduleHash, set: { author: a.author, updatedAt: now } }).run();
      }
      db.delete(skills).run();
      for (const s of set.skills) db.insert(skills).values({ ...s, commit: set.commit, createdAt: now, updatedAt: now }).run();
      return ok(report);
    });
  } catch (error) {
    if (error instanceof Abort) return { ok: false, error: error.failure };
    throw error;
  }
}

export function listSkills(db: Db, scope: string): Skill[] {
  return db.select().from(skills).orderBy(skills.name).all().map((r) => ({ name: r.name, description: r.description, body: r.body, public: r.public, scope, commit: r.commit, updatedAt: r.updatedAt }));
}

export function getSkill(db: Db, scope: string, name: string): Result<Skill> {
  const found = listSkills(db, scope).find((s) => s.name === name); // a scope holds few skills
  return found ? ok(found) : fail("not_found", `no skill '${name}' in scope '${scope}'`);
}
