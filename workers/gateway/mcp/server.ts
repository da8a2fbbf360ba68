import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { AuthContext } from "../auth/principal";
import type { Env } from "../env";
import { callTool } from "../../invoke/call";
import { APPROVER_TOOLS, callApproverTool } from "./approver-tools";
import { WORKFLOW_TOOLS, callWorkflowTool, mayRegisterTriggers } from "./workflow-tools";
import { AUTHOR_TOOLS, SKILLS_TOOL, callAuthorTool, mayAuthor, readSkill, skillMarkdown, skillUri, visibleSkills } from "./author-tools";
import { DIRECT_PAGE_SIZE, directTools } from "./direct";
import { opaqueErrors } from "./errors";
import { callMetaTool } from "./meta-handlers";
import { metaTools } from "./meta-tools";
import { mayRunCode } from "../../../core/toolset";
import type { ToolProxyProps } from "../../../schemas";
import { errorResult, outcomeResult } from "./results";

export type McpMode = "meta" | "direct" | "approvals";

function cursorOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (!/^\d{1,6}$/.test(cursor)) throw new McpError(ErrorCode.InvalidParams, "invalid cursor");
  return Number(cursor);
}

/**
 * The MCP server for one request's principal (stateless). Meta mode lists the constant meta-tools;
 * direct mode lists every visible tool, paginated. Either way the server only ever sees a narrowed
 * principal, never a toolkit to widen. In every mode an unexpected error answers an opaque internal
 * error with `correlationId` (the request's, so the log line and the HTTP request match).
 */
export type McpServerOptions = {
  env: Env;
  auth: AuthContext;
  mode: McpMode;
  inlineChars: number;
  base: string;
  correlationId: string;
  /** `ctx.exports.ToolProxy({ props })`, for run_code's sandbox. */
  toolProxy: (props: ToolProxyProps) => unknown;
};

export function mcpServer(opts: McpServerOptions): Server {
  const { env, auth, mode, inlineChars, base, correlationId, toolProxy } = opts;
  const server = new Server(
    { name: "executor", version: "0.1.0" },
    {
      capabilities: { tools: { listChanged: false }, ...(mode === "approvals" ? {} : { resources: { listChanged: false } }) },
      instructions:
        `Executor for ${auth.identity.user.email} in ${auth.identity.org.name}. ` +
        (mode === "approvals"
          ? "You decide calls that wait for approval: pending_approvals lists them with exactly what each will run; decide approves or denies one."
          : mode === "meta"
            ? "Use search to find tools, describe to see a tool's schema, TypeScript types and whether it needs approval, and execute to call it" +
              (mayRunCode(auth.principal.narrowings) ? "; run_code runs TypeScript that calls many tools in one turn" : "") +
              ". Calls that need approval return a run id: check it with run_status. skills reads your organization's know-how" +
              (mayAuthor(auth) ? "; author_tool and create_skill write tools and skills into your own scope." : ".")
            : "Every tool you may use is listed; calls that need approval return a run id to check later."),
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, opaqueErrors(correlationId, async (request) => {
    if (mode === "meta") return { tools: [...metaTools(mayRunCode(auth.principal.narrowings)), SKILLS_TOOL, ...(mayAuthor(auth) ? AUTHOR_TOOLS : []), ...(mayRegisterTriggers(auth) ? WORKFLOW_TOOLS : [])] };
    if (mode === "approvals") return { tools: APPROVER_TOOLS };
    const offset = cursorOffset(request.params?.cursor);
    const all = await directTools(env, auth.principal);
    const page = all.slice(offset, offset + DIRECT_PAGE_SIZE);
    const next = offset + DIRECT_PAGE_SIZE;
    return { tools: page.map((d) => d.tool), ...(next < all.length ? { nextCursor: String(next) } : {}) };
  }));

  server.setRequestHandler(CallToolRequestSchema, opaqueErrors(correlationId, async (request) => {
    const { name, arguments: args } = request.params;
    if (mode === "approvals") {
      const result = await callApproverTool(env, auth, name, args, inlineChars);
      if (result === null) throw new McpError(ErrorCode.InvalidParams, `unknown tool: ${name}`);
      return result;
    }
    if (mode === "meta") {
      const authored = (await callAuthorTool(env, auth, name, args)) ?? (await callWorkflowTool(env, auth, name, args));
      if (authored) return authored;
      const result = await callMetaTool({ env, auth, inlineChars, base, toolProxy }, name, args);
      if (result === null) throw new McpError(ErrorCode.InvalidParams, `unknown tool: ${name}`);
      return result;
    }
    const match = (await directTools(env, auth.principal)).find((d) => d.tool.name === name);
    if (!match) throw new McpError(ErrorCode.InvalidParams, `unknown tool: ${name}`);
    try {
      const outcome = await callTool(env, auth, { address: match.address, args: (args ?? {}) as never, surface: "mcp" });
      return outcomeResult(outcome, inlineChars);
    } catch (error) {
      return errorResult(error);
    }
  }));
  if (mode !== "approvals") {
    // Skills as resources (skill://<scope>/<name>), for clients that read context that way.
    server.setRequestHandler(ListResourcesRequestSchema, opaqueErrors(correlationId, async () => ({
      resources: (await visibleSkills(env, auth.principal)).map((s) => ({ uri: skillUri(s), name: s.name, description: s.description, mimeType: "text/markdown" })),
    })));
    server.setRequestHandler(ReadResourceRequestSchema, opaqueErrors(correlationId, async (request) => {
      const skill = await readSkill(env, auth.principal, request.params.uri);
      // MCP resources: -32002 is "resource not found".
      if (!skill) throw new McpError(-32002, `no resource ${request.params.uri}`);
      return { contents: [{ uri: skillUri(skill), mimeType: "text/markdown", text: skillMarkdown(skill) }] };
    }));
  }
  return server;
}
