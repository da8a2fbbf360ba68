import { and, eq } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { newId } from "../../core/ids";
import type { Connection, ConnectionInput, Result, SecretRef } from "../../schemas";
import { fail, ok } from "../../schemas";
import { connectionFromRow } from "./rows";
import { connections, policies } from "./tables";

type Db = DrizzleSqliteDODatabase<Record<string, never>>;

/**
 * Connections are identified by (scope, source, name). The source may be placed in an outer scope
 * (a user connecting to the org's GitHub), so it is not required to exist in this catalog.
 */
export function createConnection(db: Db, scope: string, input: ConnectionInput, now: number): Result<Connection> {
  const clash = db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.source, input.source), eq(connections.name, input.name)))
    .get();
  if (clash) return fail("conflict", `connection '${input.name}' already exists for source '${input.source}'`);
  const row = { id: newId("conn"), ...input, createdAt: now, updatedAt: now };
  db.insert(connections).values(row).run();
  return ok(connectionFromRow(row, scope));
}

export function getConnection(db: Db, scope: string, source: string, name: string): Result<Connection> {
  const row = db
    .select()
    .from(connections)
    .where(and(eq(connections.source, source), eq(connections.name, name)))
    .get();
  return row ? ok(connectionFromRow(row, scope)) : fail("not_found", `no connection '${name}' for source '${source}'`);
}

export function listConnections(db: Db, scope: string, source?: string): Connection[] {
  const query = db.select().from(connections);
  const rows = source ? query.where(eq(connections.source, source)).all() : query.all();
  return rows.map((r) => connectionFromRow(r, scope));
}

export function updateConnection(
  db: Db,
  scope: string,
  source: string,
  name: string,
  secretRef: SecretRef | null,
  now: number,
): Result<Connection> {
  const row = db
    .update(connections)
    .set({ secretRef, updatedAt: now })
    .where(and(eq(connections.source, source), eq(connections.name, name)))
    .returning()
    .get();
  return row ? ok(connectionFromRow(row, scope)) : fail("not_found", `no connection '${name}' for source '${source}'`);
}

/** Deleting a connection also deletes the policies this scope attached to it (one transaction). */
export function deleteConnection(db: Db, scope: string, source: string, name: string): Result<Connection> {
  const row = db
    .select()
    .from(connections)
    .where(and(eq(connections.source, source), eq(connections.name, name)))
    .get();
  if (!row) return fail("not_found", `no connection '${name}' for source '${source}'`);
  db.transaction((tx) => {
    tx.delete(policies)
      .where(and(eq(policies.source, source), eq(policies.connectionScope, scope), eq(policies.connectionName, name)))
      .run();
    tx.delete(connections).where(eq(connections.id, row.id)).run();
  });
  return ok(connectionFromRow(row, scope));
}
