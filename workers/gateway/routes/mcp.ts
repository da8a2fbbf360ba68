import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { Hono } from "hono";
import { scope, toolkitToNarrowing } from "../../../core/toolset";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import { requireAuth } from "../auth/middleware";
import type { Narrowing } from "../../../schemas";
import type { AuthContext } from "../auth/principal";
import type { AppEnv, Env } from "../env";
import { approverAllowed } from "../mcp/approver-tools";
import { readMcpMessage } from "../mcp/message";
import { inlineLimit } from "../mcp/results";
import { mcpServer } from "../mcp/server";
import { toolProxyFactory } from "../tool-proxy";
import { HttpError } from "../../shared/problem";

/**
 * `?toolkit=<slug>` narrows further (the user's toolkit of that name, else the org's); it never widens.
 * An unknown slug is a 404 for a whole-authority credential (a typo is worth saying), but a
 * toolkit-bound credential is narrowed to nothing instead, so it cannot probe which toolkits exist
 * outside its grant (the answer is the same as for a toolkit that shares nothing with its own).
 */
async function narrowed(env: Env, auth: AuthContext, slug: string | undefined): Promise<AuthContext> {
  if (slug === undefined) return auth;
  const narrow = (n: Narrowing): AuthContext => ({ ...auth, principal: { ...auth.principal, narrowings: scope(auth.principal.narrowings, n) } });
  for (const s of [...auth.principal.chain].reverse()) {
    const found = await scopeCatalog(env.SCOPE_CATALOG, s.id).getToolkit(slug);
    if (found.ok) return narrow(toolkitToNarrowing(found.value));
  }
  if (auth.grant.toolkit !== null) return narrow({ label: `${slug} (unavailable)`, tools: [], patterns: [] });
  throw new HttpError(404, "not-found", `no toolkit '${slug}' in your scopes`);
}

/**
 * `/mcp` over Streamable HTTP, stateless so any instance can serve any request. Authenticated like
 * /v1 (an OAuth token audience-bound to /mcp, or an API key), then narrowed. With no sessions there
 * is no server-initiated stream to open (GET) and no session to end (DELETE): both answer 405, as
 * the Streamable HTTP transport allows.
 */
export const mcp = new Hono<AppEnv>()
  .on(["GET", "DELETE"], "/mcp", requireAuth("mcp"), () => {
    throw new HttpError(405, "method-not-allowed", "this MCP endpoint is stateless: send JSON-RPC with POST", {}, { allow: "POST" });
  })
  .post("/mcp", requireAuth("mcp"), async (c) => {
  // MCP transports §Security: validate Origin to stop DNS rebinding against local servers.
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== new URL(c.env.PUBLIC_URL).origin) {
    throw new HttpError(403, "forbidden", "Origin not allowed");
  }
  const requested = c.req.query("tools");
  const mode = requested === "direct" ? "direct" : requested === "approvals" ? "approvals" : "meta";
  const auth = await narrowed(c.env, c.get("auth"), c.req.query("toolkit"));
  // The approver's endpoint is for people signed in through OAuth with their whole authority.
  if (mode === "approvals" && !approverAllowed(auth)) {
    throw new HttpError(403, "forbidden", "the approvals endpoint needs an OAuth sign-in with your whole authority (not an API key or a toolkit)");
  }
  // The body is read and bounded here, then handed over parsed: the transport's own parse has no depth limit.
  const message = await readMcpMessage(c.req.raw);
  if (!message.ok) return message.response;
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  const base = new URL(c.env.PUBLIC_URL).origin;
  const server = mcpServer({
    env: c.env,
    auth,
    mode,
    inlineChars: inlineLimit(c.env.MCP_INLINE_RESULT_CHARS),
    base,
    correlationId: c.get("correlationId"),
    toolProxy: toolProxyFactory(c.executionCtx as ExecutionContext),
  });
  await server.connect(transport);
  return transport.handleRequest(c.req.raw, message.parsed === undefined ? undefined : { parsedBody: message.parsed });
});
