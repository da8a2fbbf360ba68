import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createServer } from "node:http";
import { z } from "zod";

export type McpUpstream = { url: string; authorizations: string[]; close: () => Promise<void> };

function build(): McpServer {
  const server = new McpServer({ name: "upstream-notes", version: "1.0.0" });
  server.registerTool(
    "add",
    { description: "Add two numbers", inputSchema: { a: z.number(), b: z.number() }, annotations: { readOnlyHint: true } },
    async ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }], structuredContent: { sum: a + b } }),
  );
  server.registerTool(
    "wipe_notes",
    { description: "Delete every note", inputSchema: {}, annotations: { destructiveHint: true } },
    async () => ({ content: [{ type: "text", text: "wiped" }] }),
  );
  return server;
}

/** A real MCP server (the MCP SDK, Streamable HTTP, stateless) on loopback, requiring a bearer token. */
export async function startMcpUpstream(token: string): Promise<McpUpstream> {
  const authorizations: string[] = [];
  const http = createServer(async (req, res) => {
    authorizations.push(String(req.headers.authorization));
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401).end();
      return;
    }
    const server = build();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => void transport.close().then(() => server.close()));
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((ok) => http.listen(0, "127.0.0.1", () => ok()));
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    authorizations,
    close: () => new Promise<void>((ok) => http.close(() => ok())),
  };
}
