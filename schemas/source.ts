import { z } from "zod";
import { EpochMs, JsonObject, RecordId, ScopeId, Sha256Hex, Slug } from "./common";
import { AuthTemplate, ToolDefinition } from "./tool";

/** `executor` is the built-in source of every org (its management actions as tools); nobody adds one. */
export const SourceKind = z.enum(["openapi", "graphql", "mcp", "custom", "executor", "store"]);
export type SourceKind = z.infer<typeof SourceKind>;

/**
 * The most tools one source may have: 4x GitHub's REST description (1,223 operations), and far more
 * than any single API we know of describes. Every tool is a catalog row, a search-index entry and a
 * line of a direct-mode MCP listing, so the count is bounded like the bytes (DESIGN invariant 10).
 */
export const MAX_SOURCE_TOOLS = 5_000;

/** What `resolveTools(config)` returns: the only thing the core sees of a source. */
export const SourceManifest = z.object({
  kind: SourceKind,
  title: z.string().max(256).default(""),
  tools: z.array(ToolDefinition).max(MAX_SOURCE_TOOLS),
  auth: z.array(AuthTemplate).max(32).default([]),
});
export type SourceManifest = z.infer<typeof SourceManifest>;

/** A source placed in a scope. `config` is opaque to the core (the plugin validates it). */
export const Source = z.object({
  id: RecordId,
  scope: ScopeId,
  slug: Slug,
  kind: SourceKind,
  title: z.string().max(256),
  config: JsonObject,
  /** Local development only: this source may be reached over loopback http (DESIGN invariant 4). */
  local: z.boolean(),
  manifestHash: Sha256Hex.nullable(),
  /** Where a credential goes on the wire, from the last resolved manifest. */
  auth: z.array(AuthTemplate).default([]),
  createdAt: EpochMs,
  updatedAt: EpochMs,
});
export type Source = z.infer<typeof Source>;

export const SourceInput = Source.pick({ slug: true, kind: true, title: true, config: true, local: true });
export type SourceInput = z.infer<typeof SourceInput>;
