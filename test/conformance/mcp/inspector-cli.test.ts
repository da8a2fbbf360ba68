import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "../../e2e/api";
import type { Account } from "../../e2e/api";
import { startPetstore } from "../../e2e/upstreams/petstore";
import { usePlatform } from "../helpers";

// The MCP Inspector's non-interactive CLI (`mcp-inspector --cli`, @modelcontextprotocol/inspector
// 2.x) as a second, independent MCP client: Streamable HTTP, our Bearer key in --header, and
// --stored-auth-only so a 401 exits (code 3) instead of starting a browser OAuth flow.
const root = resolve(import.meta.dirname, "../../..");
const INSPECTOR_BIN = process.env.MCP_INSPECTOR_BIN ?? join(root, "node_modules/.bin/mcp-inspector");
// The Inspector CLI's exit codes (EXIT_CODES in its build): 0 ok, 3 auth required, 5 tool returned isError.
const EXIT = { OK: 0, AUTH_REQUIRED: 3, TOOL_ERROR: 5 } as const;

type Tool = { name: string; description?: string; inputSchema?: { type?: string } };
type ToolResult = { content: Array<{ type: string; text?: string }>; structuredContent?: Record<string, unknown>; isError?: boolean };
type Ran = { code: number | null; stdout: string; stderr: string };

describe("MCP Inspector CLI against /mcp (Streamable HTTP, Bearer API key)", () => {
  const platform = usePlatform();
  let petstore: Awaited<ReturnType<typeof startPetstore>>;
  let owner: Account;
  // The Inspector keeps OAuth state and catalogs under $HOME; give it an empty one.
  const home = mkdtempSync(join(tmpdir(), "inspector-home-"));

  beforeAll(async () => {
    petstore = await startPetstore();
    owner = await signUpWithKey(platform().baseUrl, "inspector@example.com");
    const api = client(platform().baseUrl, owner.key);
    const source = await api.post("/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${petstore.url}/openapi.json` }, local: true });
    if (source.status !== 201) throw new Error(`source import answered ${source.status}: ${source.text}`);
    const connection = await api.post("/v1/connections", { source: "pets", name: "work", secret: "inspector-secret" });
    if (connection.status !== 201) throw new Error(`connection answered ${connection.status}: ${connection.text}`);
  });

  afterAll(async () => {
    await petstore?.close();
    rmSync(home, { recursive: true, force: true });
  });

  function inspect(args: string[], key = owner.key): Promise<Ran> {
    if (!existsSync(INSPECTOR_BIN)) {
      throw new Error(`no MCP Inspector at ${INSPECTOR_BIN}: add @modelcontextprotocol/inspector to devDependencies, or set MCP_INSPECTOR_BIN`);
    }
    // Run with this Node: the Inspector needs Node 22.19+, and the `node` on PATH may be older.
    const argv = [realpathSync(INSPECTOR_BIN), "--cli", `${platform().baseUrl}/mcp`, "--header", `Authorization: Bearer ${key}`, "--format", "json", "--stored-auth-only", ...args];
    return new Promise((ok) => {
      const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, HOME: home } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.once("close", (code) => ok({ code, stdout, stderr }));
    });
  }

  function callTool(name: string, args: Record<string, unknown>): Promise<Ran> {
    return inspect(["--method", "tools/call", "--tool-name", name, "--tool-args-json", JSON.stringify(args)]);
  }

  it("lists the meta-tools, each with a description and an object inputSchema, with schemas portable under --strict", async () => {
    // MCP server/tools §Listing Tools and §Tool (name, description, inputSchema of type "object");
    // --strict makes the Inspector exit 6 on an error-severity schema portability finding.
    const ran = await inspect(["--method", "tools/list", "--strict"]);
    expect(ran.code, ran.stderr).toBe(EXIT.OK);
    const tools = (JSON.parse(ran.stdout) as { result: { tools: Tool[] } }).result.tools;
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["search", "describe", "execute", "read_result"]));
    expect(names.filter((n) => n.startsWith("run")), `a run status tool among ${names.join(", ")}`).not.toHaveLength(0);
    for (const tool of tools) {
      expect(tool.description, tool.name).toEqual(expect.any(String));
      expect(tool.inputSchema?.type, tool.name).toBe("object");
    }
  });

  it("calls search with an empty query and gets the org's tools as structured content, mirrored in a text block", async () => {
    const ran = await callTool("search", { query: "" });
    expect(ran.code, ran.stderr).toBe(EXIT.OK);
    const result = (JSON.parse(ran.stdout) as { result: ToolResult }).result;
    expect(result.isError).not.toBe(true);
    const found = result.structuredContent as { tools: Array<{ address: string }> };
    expect(found.tools.map((t) => t.address)).toContain(`pets.${owner.orgId}.work.listPets`);
    // MCP 2025-06-18 server/tools §Structured Content: structured results SHOULD also be serialized in a TextContent block.
    const text = result.content.find((c) => c.type === "text")?.text ?? "";
    expect(JSON.parse(text)).toEqual(result.structuredContent);
  });

  it("reports invalid meta-tool arguments as a tool execution error (isError), not a protocol error", async () => {
    // MCP 2025-11-25 server/tools §Error Handling (SEP-1303): input validation errors are tool execution errors.
    const ran = await callTool("describe", {});
    expect(ran.code, ran.stderr).toBe(EXIT.TOOL_ERROR);
    const result = (JSON.parse(ran.stdout) as { result: ToolResult }).result;
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toMatch(/address/);
  });

  it("refuses a garbage Bearer key with auth_required and no result", async () => {
    // MCP authorization §Token Handling: invalid tokens get 401; the Inspector maps that to exit 3.
    const ran = await inspect(["--method", "tools/list"], "exk_not-a-real-key");
    expect(ran.code).toBe(EXIT.AUTH_REQUIRED);
    expect(ran.stdout).toBe("");
    const envelope = ran.stderr.trim().split("\n").at(-1) ?? "";
    expect(JSON.parse(envelope)).toMatchObject({ error: { code: "auth_required" } });
  });
});
