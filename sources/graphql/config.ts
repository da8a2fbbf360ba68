import { z } from "zod";
import { StaticHeaders } from "../shared/headers";

/** Deepest selection set the plugin generates; deeper ones multiply document size and upstream cost. */
export const MAX_SELECTION_DEPTH = 5;

export const GraphqlConfig = z
  .object({
    /** The GraphQL-over-HTTP endpoint (POST). The egress guard decides http vs https. */
    endpoint: z.url({ protocol: /^https?$/ }).max(2048),
    headers: StaticHeaders.optional(),
    /** How many levels of object fields a generated selection set descends (1 = leaf fields only). */
    maxDepth: z.number().int().min(1).max(MAX_SELECTION_DEPTH).default(2),
  })
  .strict();
export type GraphqlConfig = z.infer<typeof GraphqlConfig>;

export function parseGraphqlConfig(
  config: unknown,
): { ok: true; config: GraphqlConfig } | { ok: false; errors: Array<{ path: string; message: string }> } {
  const parsed = GraphqlConfig.safeParse(config);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })),
  };
}
