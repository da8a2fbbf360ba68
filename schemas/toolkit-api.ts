import { z } from "zod";
import { JsonSchemaDoc, SideEffect, Slug, ScopeId, ToolName } from "./common";

/**
 * One tool a toolkit exposes as an HTTP route for customer backends (issue 16): the tool of a source,
 * with the connections the toolkit reaches it through. The route is
 * `POST /v1/toolkits/{scope}/{slug}/tools/{source}/{name}` (the name may contain '/').
 */
export const ExposedTool = z.object({
  source: Slug,
  name: ToolName,
  /** Unique within the toolkit, a JavaScript identifier: the OpenAPI operationId and the SDK method name. */
  operationId: z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/),
  /** The route's path, from the origin. */
  path: z.string().startsWith("/v1/toolkits/"),
  description: z.string().max(4096),
  sideEffect: SideEffect,
  inputSchema: JsonSchemaDoc.optional(),
  outputSchema: JsonSchemaDoc.optional(),
  /** The tool's definition hash (what a pinned version holds). */
  hash: z.string(),
  /** Connection names the toolkit reaches this tool through (at least one). */
  connections: z.array(Slug).min(1),
  /** The one used when the request names none: set only when there is exactly one. */
  defaultConnection: Slug.nullable(),
});
export type ExposedTool = z.infer<typeof ExposedTool>;

/** What a toolkit's OpenAPI document and SDK are generated from. */
export const ToolkitSurface = z.object({
  scope: ScopeId,
  slug: Slug,
  title: z.string(),
  description: z.string(),
  /** The toolkit's published version: bumps when an owner promotes; names what the document describes. */
  version: z.number().int().nonnegative(),
  /** The public origin routes live under, e.g. `https://executor.example.com`. */
  origin: z.string(),
  tools: z.array(ExposedTool),
});
export type ToolkitSurface = z.infer<typeof ToolkitSurface>;
