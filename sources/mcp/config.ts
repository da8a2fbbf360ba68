import { z } from "zod";
import { StaticHeaders } from "../shared/headers";

export const McpConfig = z
  .object({
    /** The Streamable HTTP endpoint (MCP 2025-06-18 §Transports). The egress guard decides http vs https. */
    url: z.url({ protocol: /^https?$/ }).max(2048),
    headers: StaticHeaders.optional(),
  })
  .strict();
export type McpConfig = z.infer<typeof McpConfig>;

export function parseMcpConfig(
  config: unknown,
): { ok: true; config: McpConfig } | { ok: false; errors: Array<{ path: string; message: string }> } {
  const parsed = McpConfig.safeParse(config);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })),
  };
}
