/**
 * Test-only (Node): real MCP servers on 127.0.0.1, built with the SDK's own server classes behind
 * node:http in stateless Streamable HTTP mode (a fresh server and transport per POST).
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

export interface SeenRequest {
  readonly path: string;
  readonly method: string;
  readonly headers: IncomingMessage["headers"];
}

export interface McpUpstream {
  readonly origin: string;
  readonly seen: SeenRequest[];
  /** Changes get_weather's description, as an upstream redeploy would. */
  variant: "v1" | "v2";
  close(): Promise<void>;
}

/** Tools served by `/paged` (three per page) — more than one page, so the client must follow cursors. */
export const PAGED_TOOLS = ["alpha", "beta", "gamma", "delta", "weird name!", "-dash", "alpha?"] as const;
const PAGE_SIZE = 3;

function mainServer(upstream: McpUpstream): McpServer {
  const server = new McpServer({ name: "acme-tools", version: "1.0.0", title: "Acme\u0007 Tools" });
  server.registerTool(
    "get_weather",
    {
      description: upstream.variant === "v1" ? "Current weather for a city." : "Current weather for a city (now in kelvin).",
      inputSchema: { city: z.string() },
      annotations: { readOnlyHint: true },
    },
    async ({ city }) => ({ content: [{ type: "text", text: `sunny in ${city}` }] }),
  );
  server.registerTool(
    "delete_file",
    { description: "Deletes a file\u0000 for \u202Egood\u202C.", inputSchema: { path: z.string() }, annotations: { destructiveHint: true } },
    async ({ path }) => ({ content: [{ type: "text", text: `deleted ${path}` }] }),
  );
  server.registerTool(
    "fail_always",
    { description: "Always fails, echoing the caller's credential." },
    async (extra) => ({ isError: true, content: [{ type: "text", text: `denied for ${authOf(extra.requestInfo?.headers)}` }] }),
  );
  server.registerTool(
    "stats",
    {
      description: "x".repeat(5000),
      outputSchema: { count: z.number(), owner: z.string() },
    },
    async (extra) => ({
      content: [{ type: "text", text: "{}" }],
      structuredContent: { count: 3, owner: authOf(extra.requestInfo?.headers) },
    }),
  );
  server.registerTool("whoami", { description: "Echoes the Authorization header." }, async (extra) => ({
    content: [{ type: "text", text: `you are ${authOf(extra.requestInfo?.headers)}` }],
  }));
  server.registerTool("slow", { description: "Answers after five seconds." }, async (extra) => {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      extra.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return { content: [{ type: "text", text: "late" }] };
  });
  return server;
}

function authOf(headers: Record<string, string | string[] | undefined> | undefined): string {
  const value = headers?.["authorization"];
  return Array.isArray(value) ? value.join(",") : (value ?? "nobody");
}

/** A low-level server that paginates `tools/list`; `loop` makes it hand out the same cursor forever. */
function pagedServer(loop: boolean): Server {
  const server = new Server({ name: "paged", version: "1.0.0" }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, (request) => {
    const start = loop ? 0 : Number(request.params?.cursor ?? "0");
    const names = PAGED_TOOLS.slice(start, start + PAGE_SIZE);
    const next = loop ? "again" : start + PAGE_SIZE < PAGED_TOOLS.length ? String(start + PAGE_SIZE) : undefined;
    return {
      tools: names.map((name) => ({ name, description: `tool ${name}`, inputSchema: { type: "object" as const } })),
      ...(next === undefined ? {} : { nextCursor: next }),
    };
  });
  server.setRequestHandler(CallToolRequestSchema, (request) => ({
    content: [{ type: "text", text: `called ${request.params.name}` }],
  }));
  return server;
}

async function serveStateless(req: IncomingMessage, res: ServerResponse, server: McpServer | Server, json: boolean): Promise<void> {
  // Stateless servers have no standalone SSE stream (MCP Streamable HTTP: GET may answer 405).
  if (req.method !== "POST") {
    res.writeHead(405).end();
    return;
  }
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: json });
  res.on("close", () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
}

/** Starts the upstream on 127.0.0.1 with an ephemeral port. */
export async function startMcpUpstream(token: string): Promise<McpUpstream> {
  const upstream: McpUpstream = { origin: "", seen: [], variant: "v1", close: async () => undefined };
  const http = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    upstream.seen.push({ path, method: req.method ?? "", headers: req.headers });
    const route = async (): Promise<void> => {
      switch (path) {
        case "/mcp":
          return serveStateless(req, res, mainServer(upstream), false);
        case "/paged":
          return serveStateless(req, res, pagedServer(false), true);
        case "/loop":
          return serveStateless(req, res, pagedServer(true), true);
        case "/guarded":
          if (req.headers["authorization"] !== `Bearer ${token}`) {
            res.writeHead(401, { "www-authenticate": "Bearer" }).end();
            return;
          }
          return serveStateless(req, res, mainServer(upstream), true);
        case "/down":
          res.writeHead(503, { "content-type": "text/plain" }).end(`overloaded; your header was ${req.headers["authorization"] ?? ""}`);
          return;
        default:
          res.writeHead(404).end();
      }
    };
    route().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return Object.assign(upstream, {
    origin: `http://127.0.0.1:${port}`,
    close: async (): Promise<void> => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  });
}
