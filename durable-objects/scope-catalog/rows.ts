import type { Connection, GrantTarget, Policy, Source, SourceKind, Toolkit, ToolAddress, ToolPattern, ToolStatus } from "../../schemas";
import type { JsonObject, SideEffect } from "../../schemas";
import type { connections, policies, sources, toolkits, tools } from "./tables";

// Row ↔ record mapping. Rows were validated on the way in, so these are plain reshapes.

export type CatalogTool = {
  source: string;
  name: string;
  description: string;
  inputSchema?: JsonObject;
  outputSchema?: JsonObject;
  sideEffect: SideEffect;
  hash: string;
  /** True when a refresh changed the definition since it was granted (DESIGN invariant 6). */
  changed: boolean;
  status: ToolStatus;
  /** Where the current definition sends its request and credential; null for rows stored before migration 0006 until their next refresh. */
  destination: string | null;
  /**
   * What the last grant covers (DESIGN invariant 6); null when the tool was never granted at a
   * recorded destination (a new tool, or a grant from before migration 0006 covering the stored definition).
   */
  granted: GrantTarget | null;
  /** It had been granted, and a refresh withdrew the grant because its destination or auth moved. */
  moved: boolean;
  invocation: JsonObject;
};

export function sourceFromRow(row: typeof sources.$inferSelect, scope: string): Source {
  return {
    id: row.id,
    scope,
    slug: row.slug,
    kind: row.kind as SourceKind,
    title: row.title,
    config: row.config,
    local: row.local,
    manifestHash: row.manifestHash,
    auth: row.auth ?? [],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toolFromRow(row: typeof tools.$inferSelect, sourceSlug: string): CatalogTool {
  const tool: CatalogTool = {
    source: sourceSlug,
    name: row.name,
    description: row.description,
    sideEffect: row.sideEffect as SideEffect,
    hash: row.hash,
    changed: row.grantedHash !== null && row.grantedHash !== row.hash,
    status: row.status as ToolStatus,
    destination: row.destination,
    granted: row.grantedDestination !== null && row.grantedAuth !== null ? { destination: row.grantedDestination, auth: row.grantedAuth } : null,
    // A granted tool only ever loses its grant when it moves (grants.ts, migration 0006).
    moved: row.status === "awaiting_review" && row.grantedHash !== null,
    invocation: row.invocation,
  };
  if (row.inputSchema) tool.inputSchema = row.inputSchema;
  if (row.outputSchema) tool.outputSchema = row.outputSchema;
  return tool;
}

export function connectionFromRow(row: typeof connections.$inferSelect, scope: string): Connection {
  return { ...row, scope };
}

export function policyFromRow(row: typeof policies.$inferSelect, scope: string): Policy {
  const target: Policy["target"] = { source: row.source, tools: row.tools };
  if (row.connectionScope !== null && row.connectionName !== null) {
    target.connection = { scope: row.connectionScope, name: row.connectionName };
  }
  return {
    id: row.id,
    scope,
    target,
    action: row.action as Policy["action"],
    forbidSelfApproval: row.forbidSelfApproval,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toolkitFromRow(row: typeof toolkits.$inferSelect, scope: string): Toolkit {
  const { pinnedSurface, ...rest } = row;
  return {
    ...rest,
    scope,
    tools: row.tools as ToolAddress[],
    patterns: row.patterns as ToolPattern[],
    pinned: pinnedSurface !== null,
  };
}
