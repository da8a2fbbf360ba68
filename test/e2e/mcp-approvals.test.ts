import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client } from "./api";
import type { Browser } from "./browserless";
import { authorizeUrl, consentAndGetCode, hiddenInput, pkcePair, registerClient, signUpInBrowser, tokenRequest } from "./browserless";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import { startPetstore } from "./upstreams/petstore";

describe("approving from an MCP client: the approver's endpoint", () => {
  let platform: Platform;
  let petstore: Awaited<ReturnType<typeof startPetstore>>;
  let person: Browser;
  let agentKey: string;
  let orgId: string;

  beforeAll(async () => {
    [platform, petstore] = await Promise.all([startPlatform(), startPetstore()]);
    person = await signUpInBrowser(platform.baseUrl, "mcp-approver@example.com");
    const me = (await (await fetch(`${platform.baseUrl}/v1/me`, { headers: { cookie: person.jar.header() } })).json()) as { org: { id: string } };
    orgId = me.org.id;
    const page = await (await person.get("/api-keys")).text();
    const created = await fetch(`${platform.baseUrl}/v1/api-keys`, {
      method: "POST",
      headers: { cookie: person.jar.header(), "content-type": "application/json", "x-csrf-token": hiddenInput(page, "csrf") },
      // This agent key also sets the catalog up (administer); it can never approve.
      body: JSON.stringify({ name: "agent", capabilities: ["administer"] }),
    });
    agentKey = ((await created.json()) as { key: string }).key;
    await client(platform.baseUrl, agentKey).post("/v1/sources", {
      slug: "pets",
      kind: "openapi",
      config: { url: `${petstore.url}/openapi.json` },
      local: true,
      connection: { name: "work", secret: "mcp-approver-secret" },
    });
  });

  afterAll(async () => {
    await Promise.all([platform?.stop(), petstore?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  async function approverClient(): Promise<Client> {
    const registered = await registerClient(platform.baseUrl);
    const { verifier, challenge } = pkcePair();
    const { code } = await consentAndGetCode(person, authorizeUrl(platform.baseUrl, registered, { challenge, resource: `${platform.baseUrl}/mcp` }));
    const token = (await (
      await tokenRequest(platform.baseUrl, {
        grant_type: "authorization_code",
        code,
        redirect_uri: registered.redirectUri,
        client_id: registered.clientId,
        code_verifier: verifier,
        resource: `${platform.baseUrl}/mcp`,
      })
    ).json()) as { access_token: string };
    const c = new Client({ name: "approver", version: "1.0.0" });
    await c.connect(
      new StreamableHTTPClientTransport(new URL("/mcp?tools=approvals", platform.baseUrl), {
        requestInit: { headers: { authorization: `Bearer ${token.access_token}` } },
      }),
    );
    return c;
  }

  it("lists what waits with exactly what will run, and approves it once from the MCP client", async () => {
    const pending = await client(platform.baseUrl, agentKey).post("/v1/call", { address: `pets.${orgId}.work.deletePet`, arguments: { petId: 2 } });
    expect(pending.status).toBe(202);
    const runId = (pending.body.run as { id: string }).id;
    const c = await approverClient();
    expect((await c.listTools()).tools.map((t) => t.name).sort()).toEqual(["decide", "pending_approvals"]);
    const listed = await c.callTool({ name: "pending_approvals", arguments: {} });
    const items = (listed.structuredContent as { pending: Array<{ runId: string; arguments: unknown }> }).pending;
    expect(items).toEqual([expect.objectContaining({ runId, arguments: { petId: 2 } })]);
    const decided = await c.callTool({ name: "decide", arguments: { runId, decision: "approve", comment: "from Claude" } });
    expect(decided.structuredContent).toMatchObject({ runId, status: "succeeded" });
    expect(petstore.seen.filter((s) => s.method === "DELETE").map((s) => s.path)).toEqual(["/pets/2"]);
    const again = await c.callTool({ name: "decide", arguments: { runId, decision: "approve" } });
    expect(again.isError).toBe(true);
    await c.close();
  });

  it("is closed to API keys, which agents hold", async () => {
    const res = await fetch(`${platform.baseUrl}/mcp?tools=approvals`, {
      method: "POST",
      headers: { authorization: `Bearer ${agentKey}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(res.status).toBe(403);
  });
});
