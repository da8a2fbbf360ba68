import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Upstream } from "../e2e/upstreams/http-server";
import { json, serve } from "../e2e/upstreams/http-server";
import { petstoreSpec, startPetstore } from "../e2e/upstreams/petstore";
import type { Answer, Api, Problem, Run } from "./catalog-helpers";
import { apiClient, bearerHeaders, signUpOwner } from "./catalog-helpers";
import type { Account } from "./helpers";
import { createApiKey, sessionHeaders, usePlatform } from "./helpers";

// DESIGN invariant 6: "imported authority never widens by itself: … where a credential is sent
// (server, token URL, auth template) is part of what a grant covers". A refreshed spec that moves
// `servers` or the auth templates must not send the org's secret anywhere new until a person grants
// the tool again; over the real platform, a real pet store and a second local upstream (the
// "collector") that records everything it receives.
const platform = usePlatform();

const CANARY = "canary-grant-7c1e9a-org-secret";

let pets: Awaited<ReturnType<typeof startPetstore>>;
let collector: Upstream;
let owner: Account;
let asOwner: Api;
/** The owner signed in as a person: who decides approvals (DESIGN invariant 9). */
let ownerInPerson: Api;

const at = (source: string, tool: string): string => `${source}.${owner.orgId}.work.${tool}`;

/** The pet store's own description, served from `server`, with other auth schemes if given. */
function spec(server: string, securitySchemes?: Record<string, unknown>): string {
  const base = petstoreSpec(server) as { components: Record<string, unknown> };
  if (securitySchemes === undefined) return JSON.stringify(base);
  const name = Object.keys(securitySchemes)[0] ?? "auth";
  return JSON.stringify({ ...base, components: { ...base.components, securitySchemes }, security: [{ [name]: [] }] });
}

async function upload(slug: string, document: string): Promise<void> {
  const res = await asOwner.post("/v1/sources", {
    slug,
    kind: "openapi",
    config: { document: true },
    document,
    local: true,
    connection: { name: "work", secret: CANARY },
  });
  expect(res.status, res.text).toBe(201);
}

async function refresh(slug: string, document: string): Promise<Record<string, unknown>> {
  const res = await asOwner.post(`/v1/sources/${slug}/refresh`, { document });
  expect(res.status, res.text).toBe(200);
  return res.body.tools as Record<string, unknown>;
}

async function runOf(res: Answer): Promise<Run & { error: { code: string } | null }> {
  const id = String((res.body as Problem).runId ?? (res.body.run as Run | undefined)?.id);
  const found = await asOwner.get(`/v1/runs/${id}`);
  expect(found.status).toBe(200);
  return found.body.run as Run & { error: { code: string } | null };
}

/** Whatever reached the collector that carries the secret in any form the platform could put on the wire. */
function leaked(): string[] {
  const forms = [CANARY, encodeURIComponent(CANARY), Buffer.from(CANARY).toString("base64")];
  return collector.seen.map((s) => JSON.stringify(s)).filter((s) => forms.some((f) => s.includes(f)));
}

beforeAll(async () => {
  const base = platform().baseUrl;
  pets = await startPetstore();
  collector = await serve((req, res) => {
    if (req.path.startsWith("/token")) return json(res, 200, { access_token: "token-minted-by-the-collector", token_type: "Bearer" });
    return json(res, 200, [{ id: 1, name: "collected" }]);
  });
  owner = await signUpOwner(base, "grants");
  asOwner = apiClient(base, bearerHeaders((await createApiKey(base, owner, "owner's key")).key));
  ownerInPerson = apiClient(base, () => sessionHeaders(owner));
});

afterAll(async () => {
  await Promise.all([pets?.close(), collector?.close()]);
});

describe("a refresh that moves where a tool's request goes (servers)", () => {
  it("withdraws the grant, reports the tools as moved, and sends nothing to the new server until the tool is granted again", async () => {
    await upload("moving", spec(pets.url));
    expect((await asOwner.post("/v1/call", { address: at("moving", "listPets"), arguments: {} })).status).toBe(200);
    expect(pets.seen.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY}`);

    const report = await refresh("moving", spec(collector.url));
    expect(report).toMatchObject({ added: [], changed: [], removed: [] });
    expect((report.moved as string[]).sort()).toEqual(["createPet", "deletePet", "echoFailure", "getPet", "listPets", "slowPets"]);
    const detail = await asOwner.get("/v1/sources/moving");
    expect(detail.body.moved).toEqual(expect.arrayContaining(["listPets", "getPet"]));
    expect(detail.body.awaitingReview).toEqual(expect.arrayContaining(["listPets", "getPet"]));

    const refused = await asOwner.post("/v1/call", { address: at("moving", "listPets"), arguments: {} });
    expect(refused.status).toBe(403);
    expect((refused.body as Problem).type).toBe("/problems/forbidden");
    expect((await runOf(refused)).admission.reason.code).toBe("destination_moved");
    const described = await asOwner.get(`/v1/tools/describe?address=${encodeURIComponent(at("moving", "listPets"))}`);
    expect(described.body).toMatchObject({
      tool: { destination: `GET ${collector.url}/pets`, granted: { destination: `GET ${pets.url}/pets` }, moved: true },
      policy: { outcome: "reject", reason: { code: "destination_moved" } },
    });
    expect(collector.seen).toEqual([]);

    // A person reviews the new destination and grants it: only then does the credential go there.
    const granted = await asOwner.post("/v1/sources/moving/tools/listPets/grant");
    expect(granted.status, granted.text).toBe(200);
    expect(granted.body.tool).toMatchObject({ status: "granted", moved: false, granted: { destination: `GET ${collector.url}/pets` } });
    expect((await asOwner.post("/v1/call", { address: at("moving", "listPets"), arguments: {} })).status).toBe(200);
    expect(collector.seen.map((s) => `${s.method} ${s.path}`)).toEqual(["GET /pets"]);
    // The grant covers that one tool: the others stay ungranted.
    expect((await asOwner.post("/v1/call", { address: at("moving", "getPet"), arguments: { petId: 1 } })).status).toBe(403);
    expect(collector.seen).toHaveLength(1);
  });
});

describe("a refresh that changes only the auth templates (token URL, placement)", () => {
  it("withdraws every grant though no tool definition changed, so the secret never reaches the new token URL", async () => {
    collector.seen.length = 0;
    await upload("tokens", spec(pets.url));
    const seen = pets.seen.length;
    const moved = await refresh("tokens", spec(pets.url, { cc: { type: "oauth2", flows: { clientCredentials: { tokenUrl: `${collector.url}/token`, scopes: {} } } } }));
    expect(moved).toMatchObject({ added: [], changed: [], removed: [], unchanged: 0 });
    expect(moved.moved as string[]).toContain("listPets");
    const refused = await asOwner.post("/v1/call", { address: at("tokens", "listPets"), arguments: {} });
    expect(refused.status).toBe(403);
    expect((await runOf(refused)).admission.reason.code).toBe("destination_moved");
    expect(collector.seen).toEqual([]);
    expect(pets.seen.length).toBe(seen);
  });

  it("withdraws it again when a reviewed tool's credential placement moves (bearer header → query string)", async () => {
    await upload("placement", spec(pets.url));
    const report = await refresh("placement", spec(pets.url, { key: { type: "apiKey", in: "query", name: "api_key" } }));
    expect(report.moved as string[]).toContain("listPets");
    const seen = pets.seen.length;
    expect((await asOwner.post("/v1/call", { address: at("placement", "listPets"), arguments: {} })).status).toBe(403);
    expect(pets.seen.length).toBe(seen);
  });
});

describe("a refresh that does not move the credential", () => {
  it("keeps the grant of a tool whose description changed, flagging it changed", async () => {
    await upload("wording", spec(pets.url));
    const reworded = JSON.parse(spec(pets.url)) as { paths: Record<string, Record<string, { summary: string }>> };
    const listPets = reworded.paths["/pets"]?.get;
    if (listPets) listPets.summary = "List every pet in the store";
    const report = await refresh("wording", JSON.stringify(reworded));
    expect(report).toMatchObject({ changed: ["listPets"], moved: [], added: [], removed: [] });
    expect((await asOwner.get("/v1/sources/wording")).body).toMatchObject({ changed: ["listPets"], moved: [], awaitingReview: [] });
    expect((await asOwner.post("/v1/call", { address: at("wording", "listPets"), arguments: {} })).status).toBe(200);
  });
});

describe("an approved Run whose tool moved while it waited", () => {
  it("fails with destination_moved instead of executing, and sends nothing to the new token URL", async () => {
    collector.seen.length = 0;
    await upload("gated", spec(pets.url));
    const pending = await asOwner.post("/v1/call", { address: at("gated", "deletePet"), arguments: { petId: 2 } });
    expect(pending.status).toBe(202);
    const runId = (pending.body.run as Run).id;
    // The definition hash stays the same: only the auth templates move.
    await refresh("gated", spec(pets.url, { cc: { type: "oauth2", flows: { clientCredentials: { tokenUrl: `${collector.url}/token`, scopes: {} } } } }));
    const approved = await ownerInPerson.post(`/v1/runs/${runId}/approve`, { comment: "looked fine when asked" });
    expect(approved.status).toBeGreaterThanOrEqual(400);
    const run = (await asOwner.get(`/v1/runs/${runId}`)).body.run as Run & { error: { code: string } | null };
    expect(run.status).toBe("failed");
    expect(run.error?.code).toBe("destination_moved");
    expect(pets.seen.some((s) => s.method === "DELETE" && s.path === "/pets/2")).toBe(false);
    expect(collector.seen).toEqual([]);
    expect(leaked()).toEqual([]);
  });
});
