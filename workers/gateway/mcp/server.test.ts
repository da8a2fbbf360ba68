import { env } from "cloudflare:workers";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AuthContext } from "../auth/principal";
import type { Env } from "../env";
import { INTERNAL_ERROR_MESSAGE } from "./errors";
import type { McpMode } from "./server";
import { mcpServer } from "./server";

// A binding that fails the way an internal fault would, with a message no client may see.
const CANARY = "canary-secret-7f3a21";
const failing = new Proxy(
  {},
  {
    get(): never {
      throw new Error(`storage failed while holding Authorization: Bearer ${CANARY}`);
    },
  },
);
const brokenEnv = { ...env, SCOPE_CATALOG: failing, RUN_LEDGER: failing } as unknown as Env;

const auth: AuthContext = {
  identity: {
    user: { id: "usr_0000000001", email: "ada@example.com", createdAt: 0 },
    org: { id: "org_mcperrors", name: "Ada's org", createdAt: 0 },
    role: "owner",
  },
  grant: { toolkit: null, capabilities: ["approve"] },
  principal: {
    kind: "oauth",
    credentialId: "tok_1",
    userId: "usr_0000000001",
    orgId: "org_mcperrors",
    chain: [
      { id: "org_mcperrors", kind: "org" },
      { id: "usr_0000000001", kind: "user" },
    ],
    narrowings: [],
  },
};

const CORRELATION_ID = "6f1c2e0a-0000-4000-8000-000000000001";

async function connected(mode: McpMode): Promise<Client> {
  const server = mcpServer({ env: brokenEnv, auth, mode, inlineChars: 16_000, base: "http://gw", correlationId: CORRELATION_ID, toolProxy: () => null });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(clientSide);
  return client;
}

/** The JSON-RPC error a call ends with (the client rethrows it as an McpError). */
async function rpcError(call: Promise<unknown>): Promise<McpError> {
  const error = await call.then(
    () => new Error("expected the call to fail"),
    (e: unknown) => e,
  );
  if (!(error instanceof McpError)) throw error;
  return error;
}

afterEach(() => vi.restoreAllMocks());

describe("MCP server error mapping", () => {
  const cases: Array<{ mode: McpMode; call: (c: Client) => Promise<unknown> }> = [
    { mode: "meta", call: (c) => c.callTool({ name: "search", arguments: { query: "pets" } }) },
    { mode: "meta", call: (c) => c.callTool({ name: "execute", arguments: { address: "pets.org_mcperrors.work.listPets", arguments: {} } }) },
    { mode: "direct", call: (c) => c.listTools() },
    { mode: "direct", call: (c) => c.callTool({ name: "pets.org.work.listPets", arguments: {} }) },
    { mode: "approvals", call: (c) => c.callTool({ name: "pending_approvals", arguments: {} }) },
  ];

  for (const { mode, call } of cases) {
    it(`answers an unexpected error in ${mode} mode with an opaque internal error and its correlation id`, async () => {
      const logged: string[] = [];
      vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args.join(" ")));
      const client = await connected(mode);
      const error = await rpcError(call(client));
      expect(error.code).toBe(ErrorCode.InternalError);
      expect(error.message).toContain(INTERNAL_ERROR_MESSAGE);
      expect(error.data).toEqual({ correlationId: CORRELATION_ID });
      expect(JSON.stringify({ message: error.message, data: error.data })).not.toMatch(/canary|Bearer|storage failed/);
      // The log has the id, the class and the frames; never the message.
      const log = logged.join("\n");
      expect(log).toContain(CORRELATION_ID);
      expect(log).toContain('"name":"Error"');
      expect(log).not.toContain(CANARY);
      await client.close();
    });
  }

  it("keeps the protocol errors it means to give: an unknown tool is invalid params, with its name", async () => {
    const client = await connected("meta");
    const error = await rpcError(client.callTool({ name: "no_such_tool", arguments: {} }));
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain("unknown tool: no_such_tool");
    await client.close();
  });
});
