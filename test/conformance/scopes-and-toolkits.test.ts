import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPetstore } from "../e2e/upstreams/petstore";
import type { Answer, Api, Member, Problem, Run } from "./catalog-helpers";
import {
  addresses,
  apiClient,
  bearerHeaders,
  connect,
  createPolicy,
  describeAddress,
  importPetstore,
  joinAsMember,
  signUpOwner,
} from "./catalog-helpers";
import type { Account } from "./helpers";
import { createApiKey, sessionHeaders, usePlatform } from "./helpers";

// Within one org: who may change what is placed in the org and user scopes, how policies merge across
// them (DESIGN §3), and how a toolkit narrows a credential (DESIGN §3 `scope()`, invariant 2
// "authority only narrows"), over the real platform and a real pet store on 127.0.0.1.
const platform = usePlatform();

const CANARY_ORG = "canary-org-3b7d1c55-shared-work-secret";
const CANARY_M1 = "canary-m1-c04e8f2a-personal-secret";

let pets: Awaited<ReturnType<typeof startPetstore>>;
let owner: Account;
let asOwner: Api;
let m1: Member;
let m2: Member;
let asM1: Api;
let asM2: Api;
/** An org policy that members must not be able to change. */
let orgPolicyId: string;

const org = (): string => owner.orgId;
const at = (source: string, scope: string, connection: string, tool: string): string => `${source}.${scope}.${connection}.${tool}`;

function runOf(answer: Answer): Run {
  return answer.body.run as Run;
}

async function runById(id: string): Promise<Run> {
  const res = await asOwner.get(`/v1/runs/${id}`);
  expect(res.status).toBe(200);
  return res.body.run as Run;
}

/** The owner signed in as a person (session cookie + CSRF): who may decide approvals. */
function ownerInPerson(): Api {
  return apiClient(platform().baseUrl, () => sessionHeaders(owner));
}

/** Mints a key bound to a toolkit with the owner's key; it may mint keys (for its toolkit only). */
async function toolkitKey(toolkit: string): Promise<Api> {
  const res = await asOwner.post("/v1/api-keys", { name: `bound to ${toolkit}`, toolkit, capabilities: ["manage-keys"] });
  expect(res.status, res.text).toBe(201);
  return apiClient(platform().baseUrl, bearerHeaders(String(res.body.key)));
}

beforeAll(async () => {
  const base = platform().baseUrl;
  pets = await startPetstore();
  owner = await signUpOwner(base, "owner");
  asOwner = apiClient(base, bearerHeaders((await createApiKey(base, owner, "owner's key")).key));
  await importPetstore(asOwner, "pets", pets.url);
  await connect(asOwner, "pets", "work", CANARY_ORG);
  await importPetstore(asOwner, "shop", pets.url);
  await connect(asOwner, "shop", "work", CANARY_ORG);
  await connect(asOwner, "shop", "spare", CANARY_ORG);
  orgPolicyId = await createPolicy(asOwner, { target: { source: "pets", tools: "slowPets" }, action: "block" });
  const kit = await asOwner.post("/v1/toolkits", { slug: "list-only", title: "Only listPets", tools: [at("pets", org(), "work", "listPets")], patterns: [] });
  expect(kit.status).toBe(201);
  const everything = await asOwner.post("/v1/toolkits", { slug: "everything", title: "Everything", tools: [], patterns: ["*.*.*.*"] });
  expect(everything.status).toBe(201);

  m1 = await joinAsMember(base, asOwner, org(), "m1");
  m2 = await joinAsMember(base, asOwner, org(), "m2");
  asM1 = apiClient(base, bearerHeaders(m1.key));
  asM2 = apiClient(base, bearerHeaders(m2.key));
});

afterAll(async () => {
  await pets?.close();
});

describe("(a) an org member uses the org scope but administers only their user scope", () => {
  it("cannot place or change sources, connections, policies or toolkits in the org scope (403), and nothing changes", async () => {
    const views = async (): Promise<string[]> =>
      Promise.all(["/v1/sources", "/v1/connections", "/v1/policies", "/v1/toolkits"].map(async (p) => (await asOwner.get(p)).text));
    const before = await views();
    const source = { slug: "m1-in-org", kind: "openapi", config: { url: `${pets.url}/openapi.json` }, local: true };
    const attempts: Array<[string, Promise<Answer>]> = [
      ["POST /v1/sources (default scope)", asM1.post("/v1/sources", source)],
      ["POST /v1/sources scope=org", asM1.post("/v1/sources", { ...source, scope: "org" })],
      ["POST /v1/connections scope=org", asM1.post("/v1/connections", { scope: "org", source: "pets", name: "m1", secret: "x" })],
      ["POST /v1/policies scope=org", asM1.post("/v1/policies", { scope: "org", target: { source: "pets" }, action: "approve" })],
      ["POST /v1/toolkits scope=org", asM1.post("/v1/toolkits", { scope: "org", slug: "m1-kit", title: "x", tools: [], patterns: ["*.*.*.*"] })],
      ["POST /v1/sources/pets/refresh", asM1.post("/v1/sources/pets/refresh")],
      ["POST /v1/sources/pets/tools/listPets/grant", asM1.post("/v1/sources/pets/tools/listPets/grant")],
      ["DELETE /v1/sources/pets", asM1.delete("/v1/sources/pets")],
      ["PATCH /v1/connections/pets/work", asM1.patch("/v1/connections/pets/work", { secret: "m1-took-over" })],
      ["DELETE /v1/connections/pets/work", asM1.delete("/v1/connections/pets/work")],
      [`PUT /v1/policies/${orgPolicyId}`, asM1.put(`/v1/policies/${orgPolicyId}`, { target: { source: "pets", tools: "slowPets" }, action: "approve" })],
      [`DELETE /v1/policies/${orgPolicyId}`, asM1.delete(`/v1/policies/${orgPolicyId}`)],
      ["PATCH /v1/toolkits/list-only", asM1.patch("/v1/toolkits/list-only", { patterns: ["*.*.*.*"] })],
      ["DELETE /v1/toolkits/list-only", asM1.delete("/v1/toolkits/list-only")],
    ];
    for (const [label, pending] of attempts) {
      const res = await pending;
      expect(res.status, label).toBe(403);
      expect((res.body as Problem).type, label).toBe("/problems/forbidden");
    }
    expect(await views()).toEqual(before);
  });

  it("can place sources, policies and toolkits in their user scope, where the owner and other members do not see them", async () => {
    const source = await importPetstore(asM1, "m1-own", pets.url, "user");
    expect(source.body.source).toMatchObject({ scope: m1.userId, slug: "m1-own" });
    const policy = await asM1.post("/v1/policies", { scope: "user", target: { source: "m1-own", tools: "getPet" }, action: "require_approval" });
    expect(policy.status).toBe(201);
    expect(policy.body.policy).toMatchObject({ scope: m1.userId });
    const kit = await asM1.post("/v1/toolkits", { scope: "user", slug: "m1-kit", title: "Mine", tools: [], patterns: ["m1-own.*.*.*"] });
    expect(kit.status).toBe(201);
    expect(kit.body.toolkit).toMatchObject({ scope: m1.userId });
    for (const path of ["/v1/sources", "/v1/policies", "/v1/toolkits"]) {
      expect((await asM1.get(path)).text, path).toContain(m1.userId);
      expect((await asM2.get(path)).text, path).not.toContain(m1.userId);
      expect((await asOwner.get(path)).text, path).not.toContain(m1.userId);
    }
  });

  it("connects to the org's source in their user scope; the address carries the user's scope id and the user's secret is used", async () => {
    const created = await connect(asM1, "pets", "personal", CANARY_M1, "user");
    expect(created.body.connection).toMatchObject({ scope: m1.userId, source: "pets", name: "personal" });
    const personal = at("pets", m1.userId, "personal", "listPets");
    expect(addresses(await asM1.get("/v1/tools?q=list%20pets&limit=100"))).toContain(personal);
    const res = await asM1.post("/v1/call", { address: personal, arguments: { limit: 1 } });
    expect(res.status).toBe(200);
    expect(runOf(res)).toMatchObject({ address: personal, status: "succeeded", principal: { userId: m1.userId } });
    expect(pets.seen.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY_M1}`);
    // The org's connection to the same source is still there for the member, with the org's secret.
    expect((await asM1.post("/v1/call", { address: at("pets", org(), "work", "listPets"), arguments: {} })).status).toBe(200);
    expect(pets.seen.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY_ORG}`);
  });

  it("keeps that connection out of another member's and the owner's reach: not listed, not found, not usable", async () => {
    const personal = at("pets", m1.userId, "personal", "listPets");
    const seen = pets.seen.length;
    for (const [who, api] of [["m2", asM2], ["owner", asOwner]] as const) {
      const listed = await api.get("/v1/connections");
      expect(listed.status).toBe(200);
      expect(listed.text, who).not.toContain(m1.userId);
      const found = await api.get("/v1/tools?limit=100");
      expect(addresses(found).filter((a) => a.includes(m1.userId)), who).toEqual([]);
      expect((await describeAddress(api, personal)).status, who).toBe(404);
      const called = await api.post("/v1/call", { address: personal, arguments: {} });
      expect(called.status, who).toBe(404);
      expect(called.text).not.toContain(CANARY_M1);
      // Their own user scope holds no such connection.
      expect((await api.patch("/v1/connections/pets/personal?scope=user", { secret: "hijack" })).status, who).toBe(404);
      expect((await api.delete("/v1/connections/pets/personal?scope=user")).status, who).toBe(404);
    }
    expect(pets.seen.length).toBe(seen);
    expect((await asM1.post("/v1/call", { address: personal, arguments: {} })).status).toBe(200);
    expect(pets.seen.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY_M1}`);
  });
});

describe("(b) policy merge rules across the org and user scopes (DESIGN §3: deny-union, outer wins)", () => {
  it("applies a user-scope policy to its own user only", async () => {
    // The control for the next tests: user-scope policies are evaluated, for the user who placed them.
    const userBlock = await createPolicy(asM1, { scope: "user", target: { source: "shop", tools: "listPets" }, action: "block" });
    const address = at("shop", org(), "work", "listPets");
    const refused = await asM1.post("/v1/call", { address, arguments: {} });
    expect(refused.status).toBe(403);
    const run = await runById(String((refused.body as Problem).runId));
    expect(run.admission.rule).toMatchObject({ kind: "policy", policyId: userBlock, scope: m1.userId, action: "block" });
    expect((await asM2.post("/v1/call", { address, arguments: {} })).status).toBe(200);
    expect((await asOwner.post("/v1/call", { address, arguments: {} })).status).toBe(200);
  });

  it("keeps an org block when the user approves the same tool, at source and connection level: still 403", async () => {
    const orgBlock = await createPolicy(asOwner, { target: { source: "shop", tools: "getPet" }, action: "block" });
    await createPolicy(asM1, { scope: "user", target: { source: "shop", tools: "getPet" }, action: "approve" });
    await createPolicy(asM1, { scope: "user", target: { source: "shop", connection: { scope: org(), name: "work" }, tools: "getPet" }, action: "approve" });
    const seen = pets.seen.length;
    const res = await asM1.post("/v1/call", { address: at("shop", org(), "work", "getPet"), arguments: { petId: 1 } });
    expect(res.status).toBe(403);
    const run = await runById(String((res.body as Problem).runId));
    expect(run.status).toBe("rejected");
    expect(run.admission.reason.code).toBe("blocked_by_policy");
    expect(run.admission.rule).toMatchObject({ kind: "policy", policyId: orgBlock, scope: org(), action: "block" });
    expect(pets.seen.length).toBe(seen);
  });

  it("keeps the destructive default on an org source when the user approves it: still 202, the org decides", async () => {
    await createPolicy(asM1, { scope: "user", target: { source: "shop", tools: "deletePet" }, action: "approve" });
    const seen = pets.seen.length;
    const res = await asM1.post("/v1/call", { address: at("shop", org(), "work", "deletePet"), arguments: { petId: 1 } });
    expect(res.status).toBe(202);
    const run = runOf(res);
    expect(run.status).toBe("pending_approval");
    expect(run.admission).toMatchObject({
      outcome: "require_approval",
      reason: { code: "approval_required_by_default" },
      rule: { kind: "default", action: "require_approval" },
      decidingScope: org(),
    });
    expect(pets.seen.length).toBe(seen);
  });

  it("lets the source's own authority lift the default: an org approve on a connection admits the destructive call", async () => {
    // The control for the test above: an explicit `approve` where the source is placed does count.
    await createPolicy(asOwner, { target: { source: "shop", connection: { scope: org(), name: "spare" }, tools: "deletePet" }, action: "approve" });
    const res = await asM1.post("/v1/call", { address: at("shop", org(), "spare", "deletePet"), arguments: { petId: 2 } });
    expect(res.status).toBe(200);
    expect(runOf(res).admission.reason.code).toBe("allowed_by_policy");
    expect(pets.seen.at(-1)).toMatchObject({ method: "DELETE", path: "/pets/2" });
  });

  it("lets a connection-level org policy override the source-level one within the org scope, in both directions", async () => {
    const sourceBlock = await createPolicy(asOwner, { target: { source: "shop", tools: "createPet" }, action: "block" });
    const connectionApprove = await createPolicy(asOwner, {
      target: { source: "shop", connection: { scope: org(), name: "spare" }, tools: "createPet" },
      action: "approve",
    });
    const viaSpare = await asM1.post("/v1/call", { address: at("shop", org(), "spare", "createPet"), arguments: { body: { name: "Nemo" } } });
    expect(viaSpare.status).toBe(200);
    expect(runOf(viaSpare).admission.rule).toMatchObject({ policyId: connectionApprove, level: "connection", action: "approve" });
    const viaWork = await asM1.post("/v1/call", { address: at("shop", org(), "work", "createPet"), arguments: { body: { name: "Dory" } } });
    expect(viaWork.status).toBe(403);
    expect((await runById(String((viaWork.body as Problem).runId))).admission.rule).toMatchObject({ policyId: sourceBlock, level: "source" });

    // The other direction: the source approves, one connection blocks.
    await createPolicy(asOwner, { target: { source: "shop", tools: "echoFailure" }, action: "approve" });
    const connectionBlock = await createPolicy(asOwner, {
      target: { source: "shop", connection: { scope: org(), name: "spare" }, tools: "echoFailure" },
      action: "block",
    });
    const blocked = await asM1.post("/v1/call", { address: at("shop", org(), "spare", "echoFailure"), arguments: {} });
    expect(blocked.status).toBe(403);
    expect((await runById(String((blocked.body as Problem).runId))).admission.rule).toMatchObject({ policyId: connectionBlock, level: "connection" });
    const admitted = await asM1.post("/v1/call", { address: at("shop", org(), "work", "echoFailure"), arguments: {} });
    expect(admitted.status).toBe(502); // admitted, and the upstream failed as it always does
  });
});

describe("(c) a toolkit-bound key reaches only its toolkit (DESIGN §3 scope(), invariant 2)", () => {
  let bound: Api;
  const listPets = (): string => at("pets", org(), "work", "listPets");
  const getPet = (): string => at("pets", org(), "work", "getPet");

  beforeAll(async () => {
    bound = await toolkitKey(`${org()}/list-only`);
  });

  it("calls the tool its toolkit selects", async () => {
    const res = await bound.post("/v1/call", { address: listPets(), arguments: {} });
    expect(res.status).toBe(200);
    expect(runOf(res).capabilities).toEqual([`${org()}/list-only`]);
    expect(pets.seen.at(-1)?.path).toBe("/pets");
  });

  it("gets 404 describing a tool outside its toolkit, as if it did not exist", async () => {
    expect((await describeAddress(bound, listPets())).status).toBe(200);
    expect((await describeAddress(asOwner, getPet())).status).toBe(200);
    const outside = await describeAddress(bound, getPet());
    expect(outside.status).toBe(404);
    expect(outside.body.type).toBe("/problems/not-found");
  });

  it("gets the very answer a missing tool gets calling a tool outside its toolkit: 404, same problem and message, no Run", async () => {
    // DESIGN §3: the narrowed executor is all a surface holds, so a tool outside the toolkit does not
    // exist for this key; answering otherwise (403 and a Run) would map what exists beyond its grant.
    const seen = pets.seen.length;
    const before = (await asOwner.get("/v1/runs?limit=200")).body.runs as Run[];
    const shape = (res: Answer, address: string): unknown => ({ status: res.status, ...res.body, detail: String(res.body.detail).replace(address, "<address>") });
    const missing = at("pets", org(), "work", "noSuchTool");
    const expected = shape(await bound.post("/v1/call", { address: missing, arguments: { petId: 1 } }), missing);
    expect(expected).toMatchObject({ status: 404, type: "/problems/not-found" });
    for (const address of [getPet(), at("shop", org(), "work", "listPets"), at("nosource", org(), "work", "listPets")]) {
      const res = await bound.post("/v1/call", { address, arguments: { petId: 1 } });
      expect(shape(res, address), address).toEqual(expected);
      expect((res.body as Problem).runId).toBeUndefined();
    }
    expect(((await asOwner.get("/v1/runs?limit=200")).body.runs as Run[]).length).toBe(before.length);
    expect(pets.seen.length).toBe(seen);
  });

  it("finds only the selected tool by search", async () => {
    for (const [q, expected] of [["", [listPets()]], ["list pets", [listPets()]], ["delete", []], ["create", []]] as const) {
      const found = await bound.get(`/v1/tools?q=${encodeURIComponent(q)}&limit=100`);
      expect(found.status).toBe(200);
      expect(addresses(found), q).toEqual(expected);
      // The owner's unrestricted key finds the others, so the query itself is not what hides them.
      if (q !== "") expect(addresses(await asOwner.get(`/v1/tools?q=${encodeURIComponent(q)}`)).length, q).toBeGreaterThan(0);
    }
    expect(addresses(await asOwner.get("/v1/tools?limit=100")).length).toBeGreaterThan(10);
  });

  it("cannot create or change sources, connections, policies or toolkits in either scope (403), not even widen its own toolkit", async () => {
    const before = (await asOwner.get("/v1/toolkits")).text;
    const source = { slug: "kit-source", kind: "openapi", config: { url: `${pets.url}/openapi.json` }, local: true };
    for (const scope of ["org", "user"] as const) {
      const attempts: Array<[string, Promise<Answer>]> = [
        ["POST /v1/sources", bound.post("/v1/sources", { ...source, scope })],
        ["POST /v1/connections", bound.post("/v1/connections", { scope, source: "pets", name: "kit", secret: "x" })],
        ["POST /v1/policies", bound.post("/v1/policies", { scope, target: { source: "pets" }, action: "approve" })],
        ["POST /v1/toolkits", bound.post("/v1/toolkits", { scope, slug: "wider", title: "x", tools: [], patterns: ["*.*.*.*"] })],
        ["PATCH /v1/toolkits/list-only", bound.patch(`/v1/toolkits/list-only?scope=${scope}`, { patterns: ["*.*.*.*"] })],
        ["PATCH /v1/connections/pets/work", bound.patch(`/v1/connections/pets/work?scope=${scope}`, { secret: "x" })],
        ["PUT /v1/policies/:id", bound.put(`/v1/policies/${orgPolicyId}?scope=${scope}`, { target: { source: "pets" }, action: "approve" })],
        ["POST /v1/sources/pets/tools/getPet/grant", bound.post(`/v1/sources/pets/tools/getPet/grant?scope=${scope}`)],
      ];
      for (const [label, pending] of attempts) expect((await pending).status, `${label} scope=${scope}`).toBe(403);
    }
    expect((await bound.post("/v1/org/members", { email: "friend@acme.example" })).status).toBe(403);
    expect((await asOwner.get("/v1/toolkits")).text).toBe(before);
    expect(addresses(await bound.get("/v1/tools?limit=100"))).toEqual([listPets()]);
  });

  it("cannot approve or deny another credential's Run (it is not even visible: 404), which stays pending", async () => {
    const pending = await asOwner.post("/v1/call", { address: at("pets", org(), "work", "deletePet"), arguments: { petId: 99 } });
    expect(pending.status).toBe(202);
    const id = runOf(pending).id;
    // A toolkit-bound credential sees only its own Runs, so another's answers as absent.
    expect((await bound.post(`/v1/runs/${id}/approve`)).status).toBe(404);
    expect((await bound.post(`/v1/runs/${id}/deny`)).status).toBe(404);
    expect(await runById(id)).toMatchObject({ status: "pending_approval", approvals: [] });
    // Deciding needs a person (DESIGN invariant 9): the owner denies from their session.
    expect((await ownerInPerson().post(`/v1/runs/${id}/deny`, { comment: "tidy up" })).status).toBe(200);
  });

  it("cannot mint a key broader than its toolkit (403), only one bound to the same toolkit", async () => {
    for (const body of [{ name: "wide" }, { name: "wide", toolkit: null }, { name: "wide", toolkit: `${org()}/everything` }]) {
      const res = await bound.post("/v1/api-keys", body);
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect(res.body.key).toBeUndefined();
    }
    const same = await bound.post("/v1/api-keys", { name: "same", toolkit: `${org()}/list-only` });
    expect(same.status).toBe(201);
    const again = apiClient(platform().baseUrl, bearerHeaders(String(same.body.key)));
    expect(addresses(await again.get("/v1/tools?limit=100"))).toEqual([listPets()]);
  });

  it("reaches nothing once its toolkit is deleted (fails closed, never back to the whole scope)", async () => {
    const sibling = await toolkitKey(`${org()}/list-only`);
    expect((await asOwner.delete("/v1/toolkits/list-only")).status).toBe(200);
    const seen = pets.seen.length;
    for (const api of [bound, sibling]) {
      expect(addresses(await api.get("/v1/tools?limit=100"))).toEqual([]);
      expect((await describeAddress(api, listPets())).status).toBe(404);
      const res = await api.post("/v1/call", { address: listPets(), arguments: {} });
      // Like any address outside its toolset: not found, and no Run.
      expect(res.status).toBe(404);
      expect((res.body as Problem).runId).toBeUndefined();
      expect((await api.post("/v1/api-keys", { name: "escape", toolkit: null })).status).toBe(403);
    }
    expect(pets.seen.length).toBe(seen);
  });
});

describe("(d) approval entitlement", () => {
  it("lets the org owner approve a member's pending Run, which then runs once as the member; a toolkit-bound key cannot", async () => {
    const pending = await asM1.post("/v1/call", { address: at("shop", org(), "work", "deletePet"), arguments: { petId: 1 } });
    expect(pending.status).toBe(202);
    const run = runOf(pending);
    expect(run.admission.decidingScope).toBe(org());

    // Even a toolkit that holds the very tool gives no authority to decide.
    await asOwner.post("/v1/toolkits", { slug: "shop-all", title: "Shop", tools: [], patterns: ["shop.*.*.*"] });
    const bound = await toolkitKey(`${org()}/shop-all`);
    for (const decision of ["approve", "deny"]) {
      const res = await bound.post(`/v1/runs/${run.id}/${decision}`);
      expect(res.status, decision).toBe(404);
      expect(res.body.type).toBe("/problems/not-found");
    }
    expect(await runById(run.id)).toMatchObject({ status: "pending_approval", approvals: [] });
    expect(pets.seen.some((s) => s.method === "DELETE" && s.path === "/pets/1")).toBe(false);

    // Another member holds the deciding scope (the org), so may see what they may decide (issue 6:
    // "a principal whose scope chain holds the scope whose policy asked for approval").
    expect((await asM2.get(`/v1/runs/${run.id}`)).status).toBe(200);

    // Deciding needs a person (DESIGN invariant 9): the owner's key cannot, the owner's session can.
    expect((await asOwner.post(`/v1/runs/${run.id}/approve`, { comment: "ok" })).status).toBe(403);
    const approved = await ownerInPerson().post(`/v1/runs/${run.id}/approve`, { comment: "ok" });
    expect(approved.status).toBe(200);
    expect(runOf(approved)).toMatchObject({ status: "succeeded", principal: { userId: m1.userId } });
    expect(runOf(approved).approvals).toEqual([expect.objectContaining({ decision: "approve", by: owner.userId })]);
    const deletes = pets.seen.filter((s) => s.method === "DELETE" && s.path === "/pets/1");
    expect(deletes).toHaveLength(1);
    expect(deletes[0]?.headers.authorization).toBe(`Bearer ${CANARY_ORG}`);
    expect((await ownerInPerson().post(`/v1/runs/${run.id}/approve`)).status).toBe(409);
    expect((await asM1.get(`/v1/runs/${run.id}`)).body.run).toMatchObject({ status: "succeeded" });
  });
});
