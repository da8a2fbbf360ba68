import { z } from "zod";
import type { SourceManifest, ToolDefinition } from "../../schemas";
import { MAX_SOURCE_TOOLS, SourceManifest as SourceManifestSchema } from "../../schemas";
import { withHash } from "../hash";
import type { SourceContext } from "../types";
import { PluginError } from "../types";
import type { McpConfig } from "./config";
import { withMcpClient } from "./connect";
import { placeCredential } from "../shared/credential";
import { resolveFailure } from "./errors";
import { ListedTool, mapListedTool } from "./map-tool";
import { cleanText } from "../shared/text";

/** Per-request bound while listing; resolveTools has no platform deadline signal of its own. */
const LIST_TIMEOUT_MS = 30_000;
const MAX_PAGES = 500;
const MAX_TOOLS = MAX_SOURCE_TOOLS; // SourceManifest's own limit

/** `tools/list` result, checked loosely: each tool is parsed on its own in `mapListedTool`. */
const ListPage = z.object({
  tools: z.array(z.unknown()).max(MAX_TOOLS),
  nextCursor: z.string().max(4096).optional(),
});

/**
 * Lists every tool of the server, following `nextCursor` (MCP 2025-06-18 §Pagination) until it is
 * absent. A cursor seen twice or too many pages is an upstream bug and fails the import rather than
 * looping. Each definition is hashed, so a changed upstream definition changes its hash (DESIGN
 * invariant 6) and can be held for review.
 */
export async function resolveMcpTools(config: McpConfig, ctx: SourceContext): Promise<SourceManifest> {
  try {
    // The discovery credential (when the upstream needs one to list its tools) goes where a call's would.
    const placement = placeCredential(config.url, config.headers, ctx.credential ?? null);
    if (!placement.ok) throw new PluginError("unsupported", placement.message);
    const target = { url: placement.placed.url, headers: placement.placed.headers };
    return await withMcpClient(target, ctx.fetch, { timeout: LIST_TIMEOUT_MS }, async (client) => {
      const listed = await listAll((cursor) =>
        client.request({ method: "tools/list", params: cursor === undefined ? {} : { cursor } }, ListPage, {
          timeout: LIST_TIMEOUT_MS,
        }), ctx.progress);
      const taken = new Set<string>();
      const tools: ToolDefinition[] = [];
      for (const raw of listed) {
        const parsed = ListedTool.safeParse(raw);
        if (!parsed.success) continue;
        const definition = mapListedTool(parsed.data, taken);
        if (definition !== null) tools.push(await withHash(definition));
      }
      const info = client.getServerVersion();
      const title = cleanText(info?.title ?? info?.name ?? "", 256);
      return SourceManifestSchema.parse({ kind: "mcp", title, tools, auth: [{ type: "http", scheme: "bearer" }] });
    });
  } catch (error) {
    throw resolveFailure(error);
  }
}

async function listAll(
  page: (cursor: string | undefined) => Promise<z.infer<typeof ListPage>>,
  progress: ((resolved: number) => void) | undefined,
): Promise<unknown[]> {
  const tools: unknown[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 0; ; pages++) {
    if (pages >= MAX_PAGES) throw new PluginError("invalid_document", `tools/list did not end within ${MAX_PAGES} pages`);
    const result = await page(cursor);
    tools.push(...result.tools);
    if (tools.length > MAX_TOOLS) throw new PluginError("invalid_document", `the server lists more than ${MAX_TOOLS} tools`);
    progress?.(tools.length);
    cursor = result.nextCursor;
    if (cursor === undefined || cursor === "") return tools;
    if (seen.has(cursor)) throw new PluginError("invalid_document", "tools/list returned a cursor it had already returned");
    seen.add(cursor);
  }
}
