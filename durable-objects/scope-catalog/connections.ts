import { and, eq } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { newId } from "../../core/ids";
import type { Connection, ConnectionInput, Result, SecretRef } from "../../schemas";
import { fail, ok } from "../../schemas";
import { connectionFromRow } from "./rows";
import { connections, policies, secrets } from "./tables";

/** A secret sealed by the gateway (AES-256-GCM, base64), stored under `vault://<id>`. */
export type Sealed = { id: string; ciphertext: string; iv: string };

function vaultId(ref: string | null): string | null {
  return ref?.startsWith("vault://") ? ref.slice("vault://".length) : null;
}

type Db = DrizzleSqliteDODatabase<Record<string, never>>;

/**
 * Connections are identified by (scope, source, name). The source may be placed in an outer scope
 * (a user connecting to the org's GitHub), so it is not required to exist in this catalog.
 */
export function createConnection(
  db: Db,
  scope: string,
  input: ConnectionInput,
  now: number,
  sealed?: Sealed,
): Result<Connection> {
  if (sealed && input.secretRef !== `vault://${sealed.id}`) return fail("invalid_input", "secretRef must name the sealed secret");
  const clash = db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.source, input.source), eq(connections.name, input.name)))
    .get();
  if (clash) return fail("conflict", `connection '${input.name}' already exists for source '${input.source}'`);
  const row = { id: newId("conn"), ...input, createdAt: now, updatedAt: now };
  db.transaction((tx) => {
    if (sealed) tx.insert(secrets).values({ ...sealed, createdAt: now }).run();
    tx.insert(connections).values(row).run();
  });
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
  sealed?: Sealed,
): Result<Connection> {
  if (sealed && secretRef !== `vault://${sealed.id}`) return fail("invalid_input", "secretRef must name the sealed secret");
  const where = and(eq(connections.source, source), eq(connections.name, name));
  const before = db.select({ secretRef: connections.secretRef }).from(connections).where(where).get();
  if (!before) return fail("not_found", `no connection '${name}' for source '${source}'`);
  // Replacing a vault secret deletes the old sealed value in the same transaction.
  const old = vaultId(before.secretRef);
  const row = db.transaction((tx) => {
    if (sealed) tx.insert(secrets).values({ ...sealed, createdAt: now }).run();
    if (old && before.secretRef !== secretRef) tx.delete(secrets).where(eq(secrets.id, old)).run();
    return tx.update(connections).set({ secretRef, updatedAt: now }).where(where).returning().get();
  });
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
    const old = vaultId(row.secretRef);
    if (old) tx.delete(secrets).where(eq(secrets.id, old)).run();
  });
  return ok(connectionFromRow(row, scope));
}

/** The sealed value behind `vault://<id>`, for the gateway to open just in time. */
export function getSealed(db: Db, id: string): Result<Sealed> {
  const row = db.select().from(secrets).where(eq(secrets.id, id)).get();
  return row ? ok({ id: row.id, ciphertext: row.ciphertext, iv: row.iv }) : fail("not_found", "no such secret");
}
