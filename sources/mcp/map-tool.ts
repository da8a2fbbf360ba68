import { z } from "zod";
import { JSON_LIMITS, scanJsonValue } from "../../core/json";
import type { JsonObject, ToolDefinition } from "../../schemas";
import { JsonObject as JsonObjectSchema } from "../../schemas";
import { cleanText, DESCRIPTION_CAP, sanitizeToolName, uniqueName } from "../shared/text";

/** Bound on one tool's schema, so a single upstream tool cannot bloat the catalog. */
const SCHEMA_CHAR_CAP = 64_000;

/**
 * One entry of `tools/list` (MCP 2025-06-18 §Tools), parsed leniently and on its own: one malformed
 * tool is skipped instead of failing the whole listing, and unknown members are ignored.
 */
export const ListedTool = z.object({
  name: z.string().min(1).max(1024),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: z.unknown().optional(),
  outputSchema: z.unknown().optional(),
  annotations: z
    .object({
      title: z.string().optional(),
      readOnlyHint: z.boolean().optional(),
      destructiveHint: z.boolean().optional(),
    })
    .optional()
    .catch(undefined),
});
export type ListedTool = z.infer<typeof ListedTool>;

/** What a tool's invocation carries: the upstream's own name, which sanitizing may have changed. */
export const McpInvocation = z.object({ name: z.string().min(1).max(1024) });

/**
 * Maps one upstream tool onto a definition (without its hash). `taken` keeps sanitized names unique.
 *
 * Side effect: MCP annotations are hints from the upstream and are untrusted (MCP 2025-06-18
 * §ToolAnnotations: "clients should never make tool use decisions based on annotations received from
 * untrusted servers"), and upstream annotations never influence policy here. So every upstream MCP
 * tool takes the spec's own pessimistic default (destructiveHint defaults to true): destructive, so
 * calls wait for approval until the source's owner approves the source or the tools they trust
 * with an explicit policy. The hints are kept, for people to read, in `invocation.hints`.
 */
export function mapListedTool(tool: ListedTool, taken: Set<string>): Omit<ToolDefinition, "hash"> | null {
  const sanitized = sanitizeToolName(tool.name);
  if (sanitized === null) return null;
  const outputSchema = objectSchema(tool.outputSchema);
  const description = tool.description ?? tool.title ?? tool.annotations?.title ?? "";
  return {
    name: uniqueName(sanitized, taken),
    description: cleanText(description, DESCRIPTION_CAP),
    inputSchema: objectSchema(tool.inputSchema) ?? { type: "object" },
    ...(outputSchema === undefined ? {} : { outputSchema }),
    sideEffect: "destructive",
    invocation: { name: tool.name, hints: hintsOf(tool.annotations) },
  };
}

/** The upstream's annotation hints, for display only. */
export function hintsOf(annotations: ListedTool["annotations"]): JsonObject {
  const hints: JsonObject = {};
  if (annotations?.readOnlyHint !== undefined) hints.readOnlyHint = annotations.readOnlyHint;
  if (annotations?.destructiveHint !== undefined) hints.destructiveHint = annotations.destructiveHint;
  return hints;
}

/**
 * A JSON Schema for an object (`type: "object"`), within the size cap and the document JSON limits
 * (checked first and without recursion, so a schema nested thousands deep never reaches zod: DESIGN
 * invariant 10); anything else is dropped.
 */
function objectSchema(schema: unknown): JsonObject | undefined {
  if (scanJsonValue(schema, JSON_LIMITS.document) !== null) return undefined;
  const parsed = JsonObjectSchema.safeParse(schema);
  if (!parsed.success || parsed.data["type"] !== "object") return undefined;
  if (JSON.stringify(parsed.data).length > SCHEMA_CHAR_CAP) return undefined;
  return parsed.data;
}
