import { z } from "zod";
import type { JsonObject, SideEffect, ToolDefinition } from "../../schemas";
import { JsonObject as JsonObjectSchema } from "../../schemas";
import { cleanText, DESCRIPTION_CAP, sanitizeToolName, uniqueName } from "./text";

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
 * untrusted servers"). They only pick the plugin's default class; the platform's policy still applies
 * on top, and an explicit `approve` or `require_approval` on the source or connection overrides a
 * wrong hint (DESIGN §3). `readOnlyHint` → read, `destructiveHint` → destructive, anything else → write.
 * Note the spec's own default for an absent `destructiveHint` is `true`; treating "no hint" as write
 * instead keeps unannotated servers from being approval-gated wholesale. A source that needs the
 * conservative reading gets it from a `require_approval` policy, which no hint can weaken.
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
    sideEffect: sideEffectOf(tool.annotations),
    invocation: { name: tool.name },
  };
}

export function sideEffectOf(annotations: ListedTool["annotations"]): SideEffect {
  // Spec: destructiveHint is meaningful only when readOnlyHint is false, so readOnly wins.
  if (annotations?.readOnlyHint === true) return "read";
  if (annotations?.destructiveHint === true) return "destructive";
  return "write";
}

/** A JSON Schema for an object (`type: "object"`), within the size cap; anything else is dropped. */
function objectSchema(schema: unknown): JsonObject | undefined {
  const parsed = JsonObjectSchema.safeParse(schema);
  if (!parsed.success || parsed.data["type"] !== "object") return undefined;
  if (JSON.stringify(parsed.data).length > SCHEMA_CHAR_CAP) return undefined;
  return parsed.data;
}
