import type { Tool } from "@modelcontextprotocol/sdk/types.js";

const ADDRESS = {
  type: "string",
  description: "A tool address <source>.<scope>.<connection>.<tool>, as search returns it",
} as const;

/**
 * The constant set of meta-tools (DESIGN §10): however large the catalog, the client's context holds
 * these five. `run_code` arrives with sandboxed execution.
 */
export const META_TOOLS: Tool[] = [
  {
    name: "search",
    title: "Search tools",
    description:
      "Find tools you can call, ranked by how well their names, parameters and descriptions match the query. An empty query lists every tool. Returns addresses to pass to describe and execute.",
    inputSchema: {
      type: "object",
      properties: {
        query: { type: "string", description: "Words describing what you want to do" },
        source: { type: "string", description: "Only tools of this source (e.g. github)" },
        limit: { type: "integer", minimum: 1, maximum: 50, default: 10 },
        cursor: { type: "string", description: "nextCursor from a previous page" },
      },
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: "describe",
    title: "Describe a tool",
    description: "A tool's input and output JSON Schemas, its side-effect class, and whether calling it will run, wait for approval, or be refused for you.",
    inputSchema: { type: "object", properties: { address: ADDRESS }, required: ["address"] },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: "execute",
    title: "Execute a tool",
    description:
      "Call a tool by address with arguments matching its input schema. Returns the result, or a pending run when a person must approve the call first (check it with run_status).",
    inputSchema: {
      type: "object",
      properties: { address: ADDRESS, arguments: { type: "object", description: "Arguments for the tool" } },
      required: ["address"],
    },
    annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
  },
  {
    name: "run_status",
    title: "Check a run",
    description: "The status of a run (for example one waiting for approval) and its result once it has finished.",
    inputSchema: { type: "object", properties: { runId: { type: "string" } }, required: ["runId"] },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: "read_result",
    title: "Read a large result",
    description: "Read a large result in pages, by run id, as JSON text.",
    inputSchema: {
      type: "object",
      properties: {
        runId: { type: "string" },
        offset: { type: "integer", minimum: 0, default: 0 },
        length: { type: "integer", minimum: 1, maximum: 100000, default: 16000 },
      },
      required: ["runId"],
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
];
