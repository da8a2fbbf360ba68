import type { Api } from "../context";
import { CliError, EXIT } from "../context";

/**
 * `executor mcp`: a stdio MCP server in front of a remote's Streamable HTTP `/mcp`, so stdio-only
 * clients reach it. tools/list, tools/call, resources/list and resources/read are forwarded as they
 * are (errors included); the list-changed notifications come back. stdout carries protocol messages
 * only. The bearer token is fetched per request, so a refreshed OAuth token is used as it rotates;
 * a 401 refreshes the OAuth /mcp grant once and repeats the request.
 */
export async function runMcpBridge(api: Api): Promise<void> {
  // The server binds each OAuth grant to exactly one resource (RFC 8707) and does not re-target a
  // refresh: an OAuth login needs its second grant, for <origin>/mcp (executor login, unless --no-mcp).
  // Configs from before that grant have none: log in again (or use an API key).
  if ((await api.mcpToken()) === null) {
    throw new CliError(
      `executor mcp needs a token for ${api.remote.url}/mcp: remote '${api.remote.name}' is an OAuth login without one (from an older CLI, or --no-mcp); run executor login ${api.remote.url} --name ${api.remote.name} again, or echo "$KEY" | executor login ${api.remote.url} --api-key --name NAME`,
      EXIT.auth,
    );
  }
  // Loaded here, not at CLI start: the SDK is only needed by this command.
  const [{ Client }, { StreamableHTTPClientTransport }, { Server }, { StdioServerTransport }, types] = await Promise.all([
    import("@modelcontextprotocol/sdk/client/index.js"),
    import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
    import("@modelcontextprotocol/sdk/server/index.js"),
    import("@modelcontextprotocol/sdk/server/stdio.js"),
    import("@modelcontextprotocol/sdk/types.js"),
  ]);

  const client = new Client({ name: "executor-cli-bridge", version: "1.0.0" });
  const remote = new StreamableHTTPClientTransport(new URL("/mcp", api.remote.url), {
    fetch: async (url, init) => {
      const send = async (bearer: string | null): Promise<Response> => {
        const headers = new Headers(init?.headers);
        headers.set("authorization", `Bearer ${bearer ?? ""}`);
        return fetch(url, { ...init, headers });
      };
      const res = await send(await api.mcpToken());
      // A revoked or early-expired OAuth token: refresh once and repeat (only when the body can be resent).
      const body = init?.body;
      const replayable = body === undefined || body === null || typeof body === "string";
      if (res.status !== 401 || api.authKind !== "oauth" || !replayable) return res;
      await res.body?.cancel();
      return send(await api.mcpToken(true));
    },
  });
  try {
    await client.connect(remote);
  } catch (error) {
    const status = (error as { code?: number }).code;
    throw new CliError(`cannot open ${api.remote.url}/mcp: ${error instanceof Error ? error.message : String(error)}`, status === 401 ? EXIT.auth : EXIT.failed);
  }

  const upstream = client.getServerCapabilities() ?? {};
  const instructions = client.getInstructions();
  const server = new Server(
    { name: client.getServerVersion()?.name ?? "executor", version: client.getServerVersion()?.version ?? "0.0.0" },
    {
      capabilities: {
        ...(upstream.tools ? { tools: { listChanged: upstream.tools.listChanged === true } } : {}),
        ...(upstream.resources ? { resources: { listChanged: upstream.resources.listChanged === true } } : {}),
      },
      ...(instructions ? { instructions } : {}),
    },
  );
  if (upstream.tools) {
    server.setRequestHandler(types.ListToolsRequestSchema, (request) => client.listTools(request.params));
    server.setRequestHandler(types.CallToolRequestSchema, (request) => client.request({ method: "tools/call", params: request.params }, types.CallToolResultSchema));
    client.setNotificationHandler(types.ToolListChangedNotificationSchema, () => server.sendToolListChanged());
  }
  if (upstream.resources) {
    server.setRequestHandler(types.ListResourcesRequestSchema, (request) => client.listResources(request.params));
    server.setRequestHandler(types.ReadResourceRequestSchema, (request) => client.readResource(request.params));
    client.setNotificationHandler(types.ResourceListChangedNotificationSchema, () => server.sendResourceListChanged());
  }

  const local = new StdioServerTransport();
  const closed = new Promise<void>((done) => {
    server.onclose = () => done();
    // stdin ending is the client going away (MCP stdio transport: the client closes the server's stdin).
    process.stdin.once("end", () => done());
  });
  await server.connect(local);
  await closed;
  await Promise.allSettled([client.close(), server.close()]);
}
