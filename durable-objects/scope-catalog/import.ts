import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import type { CatalogToolDefinition, Connection, ConnectionInput, Failure, Result, Source, SourceInput } from "../../schemas";
import { ok } from "../../schemas";
import type { Sealed } from "./connections";
import { createConnection } from "./connections";
import type { StoredManifest, ToolSyncReport } from "./sources";
import { createSource, getSource, syncTools } from "./sources";

type Db = DrizzleSqliteDODatabase<Record<string, never>>;

export type SourceImport = {
  source: SourceInput;
  tools: CatalogToolDefinition[];
  manifest: StoredManifest;
  connection?: { input: Omit<ConnectionInput, "source">; sealed?: Sealed };
};

class Abort extends Error {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(failure.message);
    this.failure = failure;
  }
}

function must<T>(result: Result<T>): T {
  if (!result.ok) throw new Abort(result.error);
  return result.value;
}

/**
 * Adds a source with its resolved tools, its uploaded document and, optionally, its first
 * connection (and that connection's vault secret) as ONE transaction: a refusal anywhere (a
 * duplicate slug, a duplicate tool name, a connection clash) leaves nothing behind (invariant 8).
 */
export function importSource(
  storage: DurableObjectStorage,
  db: Db,
  scope: string,
  req: SourceImport,
  now: number,
): Result<{ source: Source; tools: ToolSyncReport; connection: Connection | null }> {
  try {
    return storage.transactionSync(() => {
      must(createSource(db, scope, req.source, now));
      const tools = must(syncTools(db, storage.sql, scope, req.source.slug, req.tools, req.manifest, now));
      const connection = req.connection
        ? must(createConnection(db, scope, { ...req.connection.input, source: req.source.slug }, now, req.connection.sealed))
        : null;
      return ok({ source: must(getSource(db, scope, req.source.slug)), tools, connection });
    });
  } catch (error) {
    if (error instanceof Abort) return { ok: false, error: error.failure };
    throw error;
  }
}
