import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPetstore } from "../e2e/upstreams/petstore";
import type { Api, Run } from "./catalog-helpers";
import { apiClient, bearerHeaders, connect, createPolicy, importPetstore } from "./catalog-helpers";
import type { Account } from "./helpers";
import { createApiKey, obtainTokens, sendJson, sessionHeaders, signUp, usePlatform } from "./helpers";

// DESIGN invariant 9: a decision that needs a person is made by a person. An agent holding an API
// key cannot approve its own gated call by any route: not with a sibling key it mints, not by
// loosening the policy that gates it; and no credential mints one broader or longer-lived than itself.
const platform = usePlatform();

let pets: Awaited<ReturnType<typeof startPetstore>>;
let owner: Account;
/** What an agent is given: a whole-scope key that may call tools, nothing more. */
let agent: Api;
/** A key the owner gave a script: it may set the catalog up and mint keys, not approve. */
let script: Api;
let policyId: string;

const base = (): string => platform().baseUrl;
const address = (): string => `pets.${owner.orgId}.work.createPet`;

async function gatedCall(api: Api): Promise<Run> {
  const res = await api.post("/v1/call", { address: address(), arguments: { body: { name: "Rex" } } });
  expect(res.status, res.text).toBe(202);
  return res.body.run as Run;
}

async function mint(api: Api, body: Record<string, unknown>): Promise<{ status: number; key?: string; detail?: string }> {
  const res = await api.post("/v1/api-keys", { name: "minted", ...body });
  return { status: res.status, key: res.body.key as string | undefined, detail: res.body.detail as string | undefined };
}

beforeAll(async () => {
  pets = await startPetstore();
  owner = await signUp(base(), "owner@authority.example");
  const admin = apiClient(base(), bearerHeaders((await createApiKey(base(), owner, "setup")).key));
  await importPetstore(admin, "pets", pets.url);
  await connect(admin, "pets", "work", "canary-authority-secret-5d1e");
  policyId = await createPolicy(admin, { target: { source: "pets", tools: "createPet" }, action: "require_approval" });
  agent = apiClient(base(), bearerHeaders((await createApiKey(base(), owner, "agent", [])).key));
  script = apiClient(base(), bearerHeaders((await createApiKey(base(), owner, "script", ["administer", "manage-keys"])).key));
});

afterAll(async () => {
  await pets?.close();
});

describe("an agent cannot approve its own call", () => {
  it("cannot approve with its own key, nor mint a sibling key to approve with", async () => {
    const run = await gatedCall(agent);
    expect((await agent.post(`/v1/runs/${run.id}/approve`)).status).toBe(403);
    expect((await mint(agent, {})).status).toBe(403);
    expect((await mint(agent, { capabilities: ["approve"] })).status).toBe(403);
  });

  it("cannot get an approving key from a key that may mint keys: approve is granted only by an owner's sign-in", async () => {
    const run = await gatedCall(script);
    const approver = await mint(script, { capabilities: ["approve"] });
    expect(approver.status).toBe(403);
    const sibling = await mint(script, {});
    expect(sibling.status).toBe(201);
    const asSibling = apiClient(base(), bearerHeaders(String(sibling.key)));
    const tried = await asSibling.post(`/v1/runs/${run.id}/approve`);
    expect(tried.status).toBe(403);
    expect(tried.text).toContain("approve");
    expect(((await script.get(`/v1/runs/${run.id}`)).body.run as Run).status).toBe("pending_approval");
  });

  it("cannot loosen or remove the policy that gates it", async () => {
    expect((await agent.delete(`/v1/policies/${policyId}`)).status).toBe(403);
    expect((await agent.post("/v1/policies", { target: { source: "pets", tools: "createPet" }, action: "approve", scope: "user" })).status).toBe(403);
    const run = await gatedCall(agent);
    expect(run.status).toBe("pending_approval");
  });

  it("is approved by the person, signed in (the positive control), and by a key the owner granted approve", async () => {
    const first = await gatedCall(agent);
    const byPerson = await sendJson(`${base()}/v1/runs/${first.id}/approve`, sessionHeaders(owner), {});
    expect(byPerson.status, await byPerson.clone().text()).toBe(200);
    const granted = await sendJson(`${base()}/v1/api-keys`, sessionHeaders(owner), { name: "owner's phone", capabilities: ["approve"] });
    expect(granted.status).toBe(201);
    const second = await gatedCall(agent);
    const asApprover = apiClient(base(), bearerHeaders(((await granted.json()) as { key: string }).key));
    expect((await asApprover.post(`/v1/runs/${second.id}/approve`)).status).toBe(200);
  });
});

describe("no credential mints one broader or longer-lived than itself", () => {
  it("refuses key minting to an OAuth access token for /v1", async () => {
    const { tokens } = await obtainTokens(base(), owner, `${base()}/v1`);
    const asToken = apiClient(base(), bearerHeaders(tokens.access_token));
    expect((await mint(asToken, {})).status).toBe(403);
  });

  it("refuses capabilities the minter lacks, a later expiry, no expiry under an expiring parent, and another toolkit", async () => {
    const soon = Date.now() + 3_600_000;
    const parent = await sendJson(`${base()}/v1/api-keys`, sessionHeaders(owner), { name: "expiring", capabilities: ["manage-keys"], expiresAt: soon });
    expect(parent.status).toBe(201);
    const asParent = apiClient(base(), bearerHeaders(((await parent.json()) as { key: string }).key));
    expect((await mint(asParent, { capabilities: ["administer"], expiresAt: soon })).status).toBe(403);
    expect((await mint(asParent, { expiresAt: soon + 60_000 })).status).toBe(422);
    expect((await mint(asParent, {})).status).toBe(422);
    const child = await mint(asParent, { expiresAt: soon - 60_000 });
    expect(child.status).toBe(201);
    const kit = await script.post("/v1/toolkits", { slug: "only-list", title: "Only listPets", tools: [`pets.${owner.orgId}.work.listPets`], patterns: [] });
    expect(kit.status).toBe(201);
    const bound = await mint(script, { toolkit: `${owner.orgId}/only-list`, capabilities: ["manage-keys"] });
    expect(bound.status).toBe(201);
    const asBound = apiClient(base(), bearerHeaders(String(bound.key)));
    expect((await mint(asBound, { toolkit: null })).status).toBe(403);
  });

  it("stops a minted key the moment its parent is revoked", async () => {
    const parent = await sendJson(`${base()}/v1/api-keys`, sessionHeaders(owner), { name: "parent", capabilities: ["manage-keys"] });
    const { key, apiKey } = (await parent.json()) as { key: string; apiKey: { id: string } };
    const child = await mint(apiClient(base(), bearerHeaders(key)), {});
    expect(child.status).toBe(201);
    const me = (): Promise<Response> => fetch(`${base()}/v1/me`, { headers: { authorization: `Bearer ${child.key}` } });
    expect((await me()).status).toBe(200);
    const revoked = await fetch(`${base()}/v1/api-keys/${apiKey.id}`, { method: "DELETE", headers: sessionHeaders(owner) });
    expect(revoked.status).toBe(200);
    expect((await me()).status).toBe(401);
  });
});
