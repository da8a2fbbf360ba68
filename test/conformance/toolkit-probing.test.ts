import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPetstore } from "../e2e/upstreams/petstore";
import type { Answer, Api, Run } from "./catalog-helpers";
import { apiClient, bearerHeaders, connect, describeAddress, importPetstore, signUpOwner } from "./catalog-helpers";
import type { Account } from "./helpers";
import { createApiKey, usePlatform } from "./helpers";

// DESIGN §3: "a narrowed executor is the only thing handed to a surface". For a toolkit-bound
// credential a tool outside its toolkit does not exist, so on every surface it must get exactly the
// answer a tool that does not exist gets (status, problem type, message, and no Run), or it could map
// what lies beyond its grant (OWASP ASVS 4.0.3 V4.2.1, no information about unauthorized objects).
const platform = usePlatform();

let pets: Awaited<ReturnType<typeof startPetstore>>;
let owner: Account;
let asOwner: Api;
let bound: Api;
let boundKey = "";

const at = (source: string, tool: string): string => `${source}.${owner.orgId}.work.${tool}`;
/** Probes: a tool outside the toolkit in a source it can reach, one in a source it cannot, and the control (nothing there). */
const outside = (): string[] => [at("pets", "getPet"), at("pets", "deletePet"), at("shop", "listPets")];
const missing = (): string => at("pets", "noSuchTool");

/** An answer with the probed address blanked, so answers about two addresses can be compared. */
function blank(text: string, address: string): string {
  return text.split(address).join("<address>").split(address.replace(/\./g, "_")).join("<address>");
}

function shape(res: Answer, address: string): string {
  return `${res.status} ${blank(res.text, address)}`;
}

async function runCount(): Promise<number> {
  return ((await asOwner.get("/v1/runs?limit=200")).body.runs as Run[]).length;
}

async function mcp(query = ""): Promise<Client> {
  const c = new Client({ name: "probe", version: "1.0.0" });
  const url = new URL(`/mcp${query}`, platform().baseUrl);
  await c.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${boundKey}` } } }));
  return c;
}

/** A tool call's answer as text: a tool result, or the protocol error it was refused with. */
async function mcpAnswer(c: Client, name: string, args: Record<string, unknown>): Promise<string> {
  try {
    return JSON.stringify(await c.callTool({ name, arguments: args }));
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

beforeAll(async () => {
  const base = platform().baseUrl;
  pets = await startPetstore();
  owner = await signUpOwner(base, "probing");
  asOwner = apiClient(base, bearerHeaders((await createApiKey(base, owner, "owner's key")).key));
  await importPetstore(asOwner, "pets", pets.url);
  await connect(asOwner, "pets", "work", "probing-secret");
  await importPetstore(asOwner, "shop", pets.url);
  await connect(asOwner, "shop", "work", "probing-secret");
  const kit = await asOwner.post("/v1/toolkits", { slug: "list-only", title: "Only listPets", tools: [at("pets", "listPets")], patterns: [] });
  expect(kit.status).toBe(201);
  const key = await asOwner.post("/v1/api-keys", { name: "agent", toolkit: `${owner.orgId}/list-only` });
  expect(key.status, key.text).toBe(201);
  boundKey = String(key.body.key);
  bound = apiClient(base, bearerHeaders(boundKey));
});

afterAll(async () => {
  await pets?.close();
});

describe("a toolkit-bound key cannot tell a tool outside its toolkit from one that does not exist", () => {
  it("POST /v1/call: the same 404 problem and message, and no Run either way", async () => {
    const runs = await runCount();
    const seen = pets.seen.length;
    const control = shape(await bound.post("/v1/call", { address: missing(), arguments: { petId: 1 } }), missing());
    expect(control).toMatch(/^404 /);
    for (const address of outside()) {
      expect(shape(await bound.post("/v1/call", { address, arguments: { petId: 1 } }), address), address).toBe(control);
    }
    expect(await runCount()).toBe(runs);
    expect(pets.seen.length).toBe(seen);
    // The control for the control: the same key does call what its toolkit holds.
    expect((await bound.post("/v1/call", { address: at("pets", "listPets"), arguments: {} })).status).toBe(200);
  });

  it("GET /v1/tools/describe: the same 404", async () => {
    const control = shape(await describeAddress(bound, missing()), missing());
    for (const address of outside()) expect(shape(await describeAddress(bound, address), address), address).toBe(control);
  });

  it("MCP execute: the same tool error, with no run id", async () => {
    const c = await mcp();
    const runs = await runCount();
    const control = blank(await mcpAnswer(c, "execute", { address: missing(), arguments: { petId: 1 } }), missing());
    expect(control).not.toContain("runId");
    for (const address of outside()) {
      expect(blank(await mcpAnswer(c, "execute", { address, arguments: { petId: 1 } }), address), address).toBe(control);
    }
    for (const address of outside()) {
      expect(blank(await mcpAnswer(c, "describe", { address }), address)).toBe(blank(await mcpAnswer(c, "describe", { address: missing() }), missing()));
    }
    expect(await runCount()).toBe(runs);
    await c.close();
  });

  it("MCP direct tools: an outside tool's name is as unknown as a made-up one", async () => {
    const c = await mcp("?tools=direct");
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name)).toEqual(["pets.org.work.listPets"]);
    const control = blank(await mcpAnswer(c, "pets.org.work.noSuchTool", { petId: 1 }), "pets.org.work.noSuchTool");
    for (const name of ["pets.org.work.getPet", "shop.org.work.listPets"]) {
      expect(blank(await mcpAnswer(c, name, { petId: 1 }), name), name).toBe(control);
    }
    await c.close();
  });

  it("POST /v1/connections/:source/:name/test: a source only outside the toolkit answers like one that does not exist", async () => {
    const absent = await bound.post("/v1/connections/nosuchsource/work/test");
    expect(absent.status).toBe(404);
    const hidden = await bound.post("/v1/connections/shop/work/test");
    expect(`${hidden.status} ${hidden.text}`).toBe(`${absent.status} ${absent.text}`);
    // The control: the source its toolkit reaches is tested with the one tool it holds.
    const mine = await bound.post("/v1/connections/pets/work/test");
    expect(mine.status).toBe(200);
    expect((mine.body.run as Run).address).toBe(at("pets", "listPets"));
  });

  it("MCP ?toolkit=: a toolkit that exists outside its grant answers like one that does not", async () => {
    const other = await asOwner.post("/v1/toolkits", { slug: "shop-only", title: "Only the shop", tools: [at("shop", "listPets")], patterns: [] });
    expect(other.status).toBe(201);
    const listed = async (slug: string): Promise<string> => {
      const c = await mcp(`?tools=direct&toolkit=${slug}`);
      try {
        return JSON.stringify((await c.listTools()).tools.map((t) => t.name));
      } finally {
        await c.close();
      }
    };
    expect(await listed("shop-only")).toBe(await listed("no-such-kit"));
    expect(await listed("no-such-kit")).toBe("[]");
  });
});
