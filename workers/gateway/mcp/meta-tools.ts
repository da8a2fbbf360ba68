import type { Tool } from "@modelcontextprotocol/sdk/types.js";

const ADDRESS = {
  type: "string",
  description: "A tool address <source>.<scope>.<connection>.<tool>, as search returns it",
} as const;

/**
 * The constant set of meta-tools (DESIGN §10): however large the catalog, the client's context holds
 * these five, and `run_code` where the credential may run code.
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

/**
 * Code mode: one call runs a script that calls many tools, so an agent spends one turn, not one per
 * call. The description is the whole calling convention: a model needs nothing else to use it.
 */
export const RUN_CODE_TOOL: Tool = {
  name: "run_code",
  title: "Run code that calls tools",
  description: [
    "Run TypeScript or JavaScript in a sandbox that can call your tools (and nothing else: no network, no secrets). Write an async function body, or a module whose default export is an async function; `tools` is in scope:",
    "  const pets = await tools.petstore.work.listPets({ limit: 5 });  // tools.<source>.<connection>.<tool>(args) returns the tool's output",
    '  const same = await tools.call("petstore.org_123.work.listPets", { limit: 5 });  // or by address',
    '  const found = await tools.search("create an issue");  const d = await tools.describe(found[0].address);  // d.typescript: input/output types',
    "  const r = await tools.github.work[\"issues/create\"]({ owner, repo, body: { title } });  if (tools.isPending(r)) return r;  // needs approval: { status, runId, reviewLink }",
    "A failed call throws a ToolError { code, message, runId }. Return any JSON value; console output is kept with the run. Each call is recorded as a child run.",
  ].join("\n"),
  inputSchema: {
    type: "object",
    properties: {
      code: { type: "string", description: "TypeScript or JavaScript: an async function body, or a module with a default export" },
      timeoutMs: { type: "integer", minimum: 100, maximum: 120000, default: 30000, description: "Wall-clock limit in milliseconds" },
    },
    required: ["code"],
  },
  annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
};

/** The meta-tools a credential sees: constant in size, with run_code only where it may run code. */
export function metaTools(runCode: boolean): Tool[] {
  return runCode ? [...META_TOOLS, RUN_CODE_TOOL] : META_TOOLS;
}
