import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { Hono } from "hono";
import { requireAuth } from "../auth/middleware";
import type { AuthContext } from "../auth/principal";
import type { AppEnv } from "../env";
import { HttpError } from "../problem";

/** An MCP server for one authenticated principal. The catalog's meta-tools attach here (MCP issue). */
function serverFor(auth: AuthContext): McpServer {
  return new McpServer(
    { name: "executor", version: "0.1.0" },
    {
      capabilities: { logging: {} },
      instructions: `Executor for ${auth.identity.user.email} in ${auth.identity.org.name}.`,
    },
  );
}

/**
 * `/mcp` over Streamable HTTP, stateless so any instance can serve any request. Authenticated like
 * /v1 (OAuth token audience-bound to /mcp, or an API key).
 */
export const mcp = new Hono<AppEnv>().all("/mcp", requireAuth("mcp"), async (c) => {
  // MCP transports §security: validate Origin to stop DNS rebinding against local servers.
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== new URL(c.env.PUBLIC_URL).origin) {
    throw new HttpError(403, "forbidden", "Origin not allowed");
  }
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  const server = serverFor(c.get("auth"));
  await server.connect(transport);
  return transport.handleRequest(c.req.raw);
});
