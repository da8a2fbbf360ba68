import { eq } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { newId } from "../../core/ids";
import type { Policy, PolicyInput, Result } from "../../schemas";
import { fail, ok } from "../../schemas";
import { policyFromRow } from "./rows";
import { policies } from "./tables";

type Db = DrizzleSqliteDODatabase<Record<string, never>>;

function rowValues(input: PolicyInput): Omit<typeof policies.$inferInsert, "id" | "createdAt" | "updatedAt"> {
  return {
    source: input.target.source,
    connectionScope: input.target.connection?.scope ?? null,
    connectionName: input.target.connection?.name ?? null,
    tools: input.target.tools,
    action: input.action,
    forbidSelfApproval: input.forbidSelfApproval,
  };
}

export function createPolicy(db: Db, scope: string, input: PolicyInput, now: number): Result<Policy> {
  const row = { id: newId("pol"), ...rowValues(input), createdAt: now, updatedAt: now };
  const inserted = db.insert(policies).values(row).returning().get();
  return ok(policyFromRow(inserted, scope));
}

export function getPolicy(db: Db, scope: string, id: string): Result<Policy> {
  const row = db.select().from(policies).where(eq(policies.id, id)).get();
  return row ? ok(policyFromRow(row, scope)) : fail("not_found", `no policy '${id}' in scope '${scope}'`);
}

export function listPolicies(db: Db, scope: string, source?: string): Policy[] {
  const query = db.select().from(policies);
  const rows = source ? query.where(eq(policies.source, source)).all() : query.all();
  return rows.map((r) => policyFromRow(r, scope));
}

export function updatePolicy(db: Db, scope: string, id: string, input: PolicyInput, now: number): Result<Policy> {
  const row = db
    .update(policies)
    .set({ ...rowValues(input), updatedAt: now })
    .where(eq(policies.id, id))
    .returning()
    .get();
  return row ? ok(policyFromRow(row, scope)) : fail("not_found", `no policy '${id}' in scope '${scope}'`);
}

export function deletePolicy(db: Db, scope: string, id: string): Result<{ deleted: string }> {
  const row = db.delete(policies).where(eq(policies.id, id)).returning({ id: policies.id }).get();
  return row ? ok({ deleted: id }) : fail("not_found", `no policy '${id}' in scope '${scope}'`);
}
