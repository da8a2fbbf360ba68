import type { SourcePlugin } from "../types";
import type { McpConfig } from "./config";
import { parseMcpConfig } from "./config";
import { invokeMcpTool } from "./invoke";
import { resolveMcpTools } from "./resolve";

export type { McpConfig } from "./config";
export { McpConfig as McpConfigSchema } from "./config";

/**
 * Source plugin for a remote MCP server over Streamable HTTP: one tool per upstream tool. The plugin
 * holds no connection between calls; each resolve and each invoke connects, works and closes.
 */
export const mcpPlugin: SourcePlugin<McpConfig> = {
  kind: "mcp",
  parseConfig: parseMcpConfig,
  resolveTools: resolveMcpTools,
  invokeTool: invokeMcpTool,
  // Every tools/call goes to the configured Streamable HTTP endpoint (MCP 2025-06-18 §Transports).
  destination: (_tool, config) => `POST ${config.url}`,
};
