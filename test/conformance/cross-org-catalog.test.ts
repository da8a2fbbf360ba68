import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPetstore } from "../e2e/upstreams/petstore";
import type { Answer, Api } from "./catalog-helpers";
import { addresses, apiClient, bearerHeaders, connect, importPetstore } from "./catalog-helpers";
import type { Account } from "./helpers";
import { createApiKey, obtainTokens, sessionHeaders, signUp, usePlatform } from "./helpers";

// Tenant isolation of the catalog, tools and runs routes of /v1 (OWASP ASVS 4.0.3 V4.2.1, IDOR; MCP
// security best practices, confused deputy): org B's credential, of every kind, never reads or
// changes anything of org A, and A's secret never reaches anything B receives (DESIGN invariant 1).
const platform = usePlatform();

const CANARY_A = "canary-a-5e0c1d7b-org-a-secret";
const CANARY_B = "canary-b-91f2aa40-org-b-secret";

type Kind = "API key" | "session" | "OAuth token";
type Petstore = Awaited<ReturnType<typeof startPetstore>>;
type Run = { id: string; status: string; scopeChain: string[]; principal: { userId: string } };

let petsA: Petstore;
let petsB: Petstore;
let a: Account;
let b: Account;
let asA: Api;
const asB = {} as Record<Kind, Api>;
/** Everything B's credentials received, for the final leak check. */
const bTranscript: string[] = [];

/** Org A's records, by the ids the platform gave them. */
const A = {
  addr: { pets: "", only: "" },
  policyId: "",
  runs: { succeeded: "", pending: "", rejected: "" },
  /** Identifiers B never sends (so no answer can merely echo them): they may appear in nothing B receives. */
  secretMarkers: [] as string[],
};

const tool = (source: string, scope: string, connection: string, name: string): string => `${source}.${scope}.${connection}.${name}`;

function expectNoTraceOfA(text: string): void {
  // Listings echo nothing of the request, so not even A's org and user ids may appear in them.
  expect([...A.secretMarkers, a.orgId, a.userId].filter((marker) => text.includes(marker))).toEqual([]);
}

function runOf(answer: Answer): Run {
  return answer.body.run as Run;
}

beforeAll(async () => {
  const base = platform().baseUrl;
  [petsA, petsB] = await Promise.all([startPetstore(), startPetstore()]);
  [a, b] = [await signUp(base, "alice@a.example"), await signUp(base, "bob@b.example")];

  asA = apiClient(base, bearerHeaders((await createApiKey(base, a, "alice's key")).key));
  const sources = [await importPetstore(asA, "pets", petsA.url), await importPetstore(asA, "a-only", petsA.url)];
  const connections = [await connect(asA, "pets", "a-work", CANARY_A), await connect(asA, "a-only", "a-work", CANARY_A)];
  const policy = await asA.post("/v1/policies", { target: { source: "pets", tools: "createPet" }, action: "block" });
  expect(policy.status).toBe(201);
  A.policyId = (policy.body.policy as { id: string }).id;
  A.addr = { pets: tool("pets", a.orgId, "a-work", "listPets"), only: tool("a-only", a.orgId, "a-work", "listPets") };
  const kit = await asA.post("/v1/toolkits", { slug: "a-kit", title: "A's kit", tools: [A.addr.pets], patterns: [`a-only.${a.orgId}.*.*`] });
  expect(kit.status).toBe(201);

  const succeeded = await asA.post("/v1/call", { address: A.addr.pets, arguments: {} });
  expect(succeeded.status).toBe(200);
  const pending = await asA.post("/v1/call", { address: tool("pets", a.orgId, "a-work", "deletePet"), arguments: { petId: 1 } });
  expect(pending.status).toBe(202);
  const rejected = await asA.post("/v1/call", { address: tool("pets", a.orgId, "a-work", "createPet"), arguments: { body: { name: "Nemo" } } });
  expect(rejected.status).toBe(403);
  A.runs = { succeeded: runOf(succeeded).id, pending: runOf(pending).id, rejected: String(rejected.body.runId) };
  expect(petsA.seen.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY_A}`);

  A.secretMarkers = [
    CANARY_A,
    a.email,
    petsA.url.replace("http://", ""),
    (kit.body.toolkit as { id: string }).id,
    ...sources.map((s) => (s.body.source as { id: string }).id),
    ...connections.flatMap((c) => {
      const conn = c.body.connection as { id: string; secretRef: string };
      return [conn.id, conn.secretRef];
    }),
  ];

  // Org B: the same pet store API under the same slug, its own upstream and its own secret.
  const bKey = await createApiKey(base, b, "bob's key");
  const { tokens } = await obtainTokens(base, b, `${base}/v1`);
  asB["API key"] = apiClient(base, bearerHeaders(bKey.key), bTranscript);
  asB.session = apiClient(base, () => sessionHeaders(b), bTranscript);
  asB["OAuth token"] = apiClient(base, bearerHeaders(tokens.access_token), bTranscript);
  const setupB = asB["API key"];
  await importPetstore(setupB, "pets", petsB.url);
  await connect(setupB, "pets", "b-work", CANARY_B);
  expect((await setupB.post("/v1/policies", { target: { source: "pets", tools: "getPet" }, action: "require_approval" })).status).toBe(201);
  expect((await setupB.post("/v1/toolkits", { slug: "b-kit", title: "B's kit", tools: [], patterns: ["pets.*.*.*"] })).status).toBe(201);
  expect((await setupB.post("/v1/call", { address: tool("pets", b.orgId, "b-work", "listPets"), arguments: {} })).status).toBe(200);
});

afterAll(async () => {
  await Promise.all([petsA?.close(), petsB?.close()]);
});

/** What A itself sees of a record, to prove B's attempts changed nothing. */
async function aView(path: string): Promise<string> {
  const res = await asA.get(path);
  expect(res.status).toBe(200);
  return res.text;
}

describe.each(["API key", "session", "OAuth token"] as const)("with org B's %s, nothing of org A", (kind: Kind) => {
  const api = (): Api => asB[kind];

  it("GET /v1/sources, /v1/connections, /v1/policies and /v1/toolkits list only org B's records", async () => {
    for (const [path, field] of [
      ["/v1/sources", "sources"],
      ["/v1/connections", "connections"],
      ["/v1/policies", "policies"],
      ["/v1/toolkits", "toolkits"],
    ] as const) {
      const res = await api().get(path);
      expect(res.status).toBe(200);
      const records = res.body[field] as Array<{ scope: string }>;
      expect(records.length, path).toBeGreaterThan(0);
      for (const record of records) expect([b.orgId, b.userId], path).toContain(record.scope);
      expectNoTraceOfA(res.text);
    }
  });

  it("GET /v1/tools finds only org B's addresses, even for a query naming A's org and source", async () => {
    for (const q of ["", "list pets", a.orgId, "a-only", "a-work"]) {
      const res = await api().get(`/v1/tools?q=${encodeURIComponent(q)}&limit=100`);
      expect(res.status).toBe(200);
      if (q === "") expect(addresses(res).length).toBeGreaterThan(0);
      // B's own tools, and the built-in executor source every org has (its own, under B's org id).
      for (const address of addresses(res)) expect(address.startsWith(`pets.${b.orgId}.b-work.`) || address.startsWith(`executor.${b.orgId}.platform.`), address).toBe(true);
      expectNoTraceOfA(res.text);
    }
    const filtered = await api().get("/v1/tools?source=a-only");
    expect(addresses(filtered)).toEqual([]);
  });

  it("GET /v1/sources/:slug and /tools answer 404 for A's source in either scope, and B's own for a shared slug", async () => {
    for (const path of ["/v1/sources/a-only", "/v1/sources/a-only/tools", "/v1/sources/a-only?scope=user", "/v1/sources/a-only/tools?scope=user"]) {
      const res = await api().get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.type).toBe("/problems/not-found");
    }
    const shared = await api().get("/v1/sources/pets");
    expect(shared.status).toBe(200);
    expect(shared.body.source).toMatchObject({ scope: b.orgId, config: { url: `${petsB.url}/openapi.json` } });
    expectNoTraceOfA(shared.text);
    expectNoTraceOfA((await api().get("/v1/sources/pets/tools")).text);
  });

  it("POST /v1/sources/:slug/refresh, /tools/:name/grant and DELETE /v1/sources/:slug answer 404 for A's source, which is untouched", async () => {
    const before = await aView("/v1/sources/a-only");
    const seen = petsA.seen.length;
    for (const scope of ["org", "user"]) {
      expect((await api().post(`/v1/sources/a-only/refresh?scope=${scope}`)).status).toBe(404);
      expect((await api().post(`/v1/sources/a-only/tools/listPets/grant?scope=${scope}`)).status).toBe(404);
      expect((await api().delete(`/v1/sources/a-only?scope=${scope}`)).status).toBe(404);
    }
    expect(petsA.seen.length).toBe(seen); // no refresh reached A's upstream
    expect(await aView("/v1/sources/a-only")).toBe(before);
  });

  it("POST /v1/connections cannot attach a connection to A's source (422), and A's connections are unchanged", async () => {
    const before = await aView("/v1/connections");
    const res = await api().post("/v1/connections", { source: "a-only", name: "stolen", secret: "x" });
    expect(res.status).toBe(422);
    expect((await api().post("/v1/connections", { scope: "user", source: "a-only", name: "stolen", secret: "x" })).status).toBe(422);
    expect(await aView("/v1/connections")).toBe(before);
  });

  it("PATCH, DELETE and POST …/test on A's connections answer as for one that never existed, and A's connection still works", async () => {
    const before = await aView("/v1/connections");
    const seen = petsA.seen.length;
    for (const scope of ["org", "user"]) {
      for (const source of ["pets", "a-only"]) {
        const path = `/v1/connections/${source}/a-work?scope=${scope}`;
        expect((await api().patch(path, { secret: "overwritten-by-b" })).status, path).toBe(404);
        expect((await api().delete(path)).status, path).toBe(404);
      }
      // A's connection on the slug both orgs have, and on a slug only A has: each answers exactly as
      // a connection that exists nowhere does (no existence hint).
      const tested = await api().post(`/v1/connections/pets/a-work/test?scope=${scope}`);
      const never = await api().post(`/v1/connections/pets/never-existed/test?scope=${scope}`);
      expect(tested.status).toBe(404);
      expect(tested.body.type).toBe(never.body.type);
      const onlyA = await api().post(`/v1/connections/a-only/a-work/test?scope=${scope}`);
      const nowhere = await api().post(`/v1/connections/no-such-source/a-work/test?scope=${scope}`);
      expect(onlyA.status).toBeGreaterThanOrEqual(400);
      expect([onlyA.status, onlyA.body.type, onlyA.body.detail]).toEqual([nowhere.status, nowhere.body.type, nowhere.body.detail]);
    }
    expect(petsA.seen.length).toBe(seen);
    expect(await aView("/v1/connections")).toBe(before);
    const call = await asA.post("/v1/call", { address: A.addr.pets, arguments: { limit: 1 } });
    expect(call.status).toBe(200);
    expect(petsA.seen.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY_A}`);
  });

  it("PUT and DELETE /v1/policies/:id answer 404 for A's policy, which still blocks A's call", async () => {
    const before = await aView("/v1/policies");
    for (const scope of ["org", "user"]) {
      const path = `/v1/policies/${A.policyId}?scope=${scope}`;
      expect((await api().put(path, { target: { source: "pets", tools: "createPet" }, action: "approve" })).status).toBe(404);
      expect((await api().delete(path)).status).toBe(404);
    }
    expect(await aView("/v1/policies")).toBe(before);
    const blocked = await asA.post("/v1/call", { address: tool("pets", a.orgId, "a-work", "createPet"), arguments: { body: { name: "Nemo" } } });
    expect(blocked.status).toBe(403);
    expect(String(blocked.body.detail)).toContain(A.policyId);
  });

  it("PATCH and DELETE /v1/toolkits/:slug answer 404 for A's toolkit, which is unchanged", async () => {
    const before = await aView("/v1/toolkits");
    for (const scope of ["org", "user"]) {
      expect((await api().patch(`/v1/toolkits/a-kit?scope=${scope}`, { patterns: ["*.*.*.*"] })).status).toBe(404);
      expect((await api().delete(`/v1/toolkits/a-kit?scope=${scope}`)).status).toBe(404);
    }
    expect(await aView("/v1/toolkits")).toBe(before);
  });

  it("GET /v1/tools/describe and POST /v1/call answer 404 for A's addresses; A's upstream sees nothing and no Run is recorded", async () => {
    const targets = [
      A.addr.pets,
      A.addr.only,
      tool("pets", a.orgId, "a-work", "deletePet"),
      tool("pets", a.orgId, "b-work", "listPets"), // B's connection name under A's scope
      tool("pets", b.orgId, "a-work", "listPets"), // A's connection name under B's scope
      tool("a-only", b.orgId, "b-work", "listPets"), // A's source slug through B's connection
      tool("pets", a.userId, "a-work", "listPets"), // A's user scope
    ];
    const seenA = petsA.seen.length;
    const seenB = petsB.seen.length;
    const runsBefore = (await api().get("/v1/runs?limit=200")).body.runs as Run[];
    for (const address of targets) {
      const described = await api().get(`/v1/tools/describe?address=${encodeURIComponent(address)}`);
      expect(described.status, address).toBe(404);
      const called = await api().post("/v1/call", { address, arguments: { petId: 2 } });
      expect(called.status, address).toBe(404);
      expect(called.body.runId).toBeUndefined();
    }
    expect(petsA.seen.length).toBe(seenA);
    expect(petsB.seen.length).toBe(seenB);
    expect(((await api().get("/v1/runs?limit=200")).body.runs as Run[]).length).toBe(runsBefore.length);
    // Neither upstream ever saw A's secret on a request B caused.
    expect(petsB.seen.some((s) => JSON.stringify(s).includes(CANARY_A))).toBe(false);
  });

  it("GET /v1/runs lists only org B's Runs, whatever the filters", async () => {
    const queries = [
      "limit=200",
      `tool=${encodeURIComponent(A.addr.pets)}`,
      `principal=${a.userId}`,
      "status=pending_approval",
      "status=rejected",
      "since=0",
      `until=${Date.now() + 60_000}`,
      "cursor=999999999",
    ];
    for (const query of queries) {
      const res = await api().get(`/v1/runs?${query}`);
      expect(res.status, query).toBe(200);
      for (const run of res.body.runs as Run[]) {
        expect(run.scopeChain[0], query).toBe(b.orgId);
        expect(Object.values(A.runs)).not.toContain(run.id);
      }
      expectNoTraceOfA(res.text);
    }
    expect(((await api().get("/v1/runs?limit=200")).body.runs as Run[]).length).toBeGreaterThan(0);
  });

  it("GET /v1/runs/:id and POST /v1/runs/:id/{approve,deny} answer 404 for A's Runs; A's pending Run stays pending", async () => {
    for (const id of Object.values(A.runs)) {
      const res = await api().get(`/v1/runs/${id}`);
      expect(res.status, id).toBe(404);
      expect(res.body.type).toBe("/problems/not-found");
    }
    const deletes = petsA.seen.filter((s) => s.method === "DELETE").length;
    expect((await api().post(`/v1/runs/${A.runs.pending}/approve`, { comment: "b approves" })).status).toBe(404);
    expect((await api().post(`/v1/runs/${A.runs.pending}/deny`, { comment: "b denies" })).status).toBe(404);
    expect(petsA.seen.filter((s) => s.method === "DELETE").length).toBe(deletes);
    const run = await asA.get(`/v1/runs/${A.runs.pending}`);
    expect(run.body.run).toMatchObject({ status: "pending_approval", approvals: [] });
  });

  it("GET /v1/runs/verify covers only org B's ledger: A's new Runs do not move it", async () => {
    const before = await api().get("/v1/runs/verify");
    expect(before.body).toMatchObject({ ok: true });
    expect(before.body.events as number).toBeGreaterThan(0);
    const aBefore = await asA.get("/v1/runs/verify");
    expect((await asA.post("/v1/call", { address: A.addr.only, arguments: {} })).status).toBe(200);
    const aAfter = await asA.get("/v1/runs/verify");
    expect(aAfter.body.events as number).toBeGreaterThan(aBefore.body.events as number);
    const after = await api().get("/v1/runs/verify");
    expect(after.body).toEqual(before.body);
    expect(after.body.head).not.toBe(aAfter.body.head);
  });

  it("POST /v1/api-keys cannot bind a key to A's toolkit (422)", async () => {
    // Listed with B's session: an OAuth grant cannot manage keys at all (DESIGN invariant 9).
    const keyIds = async (): Promise<string[]> => ((await asB.session.get("/v1/api-keys")).body.apiKeys as Array<{ id: string }>).map((k) => k.id);
    const before = await keyIds();
    for (const toolkit of [`${a.orgId}/a-kit`, `${a.userId}/a-kit`, `${b.orgId}/a-kit`]) {
      const res = await api().post("/v1/api-keys", { name: "into a", toolkit });
      expect(res.status, toolkit).toBe(kind === "OAuth token" ? 403 : 422);
      expect(res.body.key).toBeUndefined();
    }
    expect(await keyIds()).toEqual(before);
  });
});

describe("B's own toolkit naming A's addresses", () => {
  it("narrows B's key to nothing of A: a toolkit selects, it never grants (DESIGN §3, invariant 2)", async () => {
    const owner = asB["API key"];
    const kit = await owner.post("/v1/toolkits", {
      slug: "greedy",
      title: "names A",
      tools: [A.addr.pets, A.addr.only],
      patterns: [`*.${a.orgId}.*.*`, "*.*.*.*"],
    });
    expect(kit.status).toBe(201);
    const minted = await owner.post("/v1/api-keys", { name: "greedy", toolkit: `${b.orgId}/greedy` });
    expect(minted.status).toBe(201);
    const greedy = apiClient(platform().baseUrl, bearerHeaders(String(minted.body.key)), bTranscript);
    const seen = petsA.seen.length;
    for (const address of [A.addr.pets, A.addr.only]) {
      expect((await greedy.get(`/v1/tools/describe?address=${encodeURIComponent(address)}`)).status).toBe(404);
      expect((await greedy.post("/v1/call", { address, arguments: {} })).status).toBe(404);
    }
    const found = await greedy.get("/v1/tools?limit=100");
    expect(addresses(found).length).toBeGreaterThan(0);
    for (const address of addresses(found)) expect(address.startsWith(`pets.${b.orgId}.`) || address.startsWith(`executor.${b.orgId}.platform.`), address).toBe(true);
    expect(petsA.seen.length).toBe(seen);
  });
});

describe("scope query parameter", () => {
  /** Every route that takes `?scope=`, asked by B for A's org id instead of `org` or `user`. */
  async function askNamingAsOrg(): Promise<Answer[]> {
    const api = asB["API key"];
    const scope = encodeURIComponent(a.orgId);
    return [
      await api.get(`/v1/sources/pets?scope=${scope}`),
      await api.get(`/v1/sources/pets/tools?scope=${scope}`),
      await api.post(`/v1/sources/pets/refresh?scope=${scope}`),
      await api.post(`/v1/sources/pets/tools/listPets/grant?scope=${scope}`),
      await api.delete(`/v1/sources/pets?scope=${scope}`),
      await api.patch(`/v1/connections/pets/a-work?scope=${scope}`, { secret: "x" }),
      await api.delete(`/v1/connections/pets/a-work?scope=${scope}`),
      await api.post(`/v1/connections/pets/a-work/test?scope=${scope}`),
      await api.put(`/v1/policies/${A.policyId}?scope=${scope}`, { target: { source: "pets" }, action: "approve" }),
      await api.delete(`/v1/policies/${A.policyId}?scope=${scope}`),
      await api.patch(`/v1/toolkits/a-kit?scope=${scope}`, { title: "x" }),
      await api.delete(`/v1/toolkits/a-kit?scope=${scope}`),
    ];
  }

  it("cannot reach A's records by naming A's org id as the scope", async () => {
    const before = [await aView("/v1/sources"), await aView("/v1/connections"), await aView("/v1/policies"), await aView("/v1/toolkits")];
    const seen = petsA.seen.length;
    for (const answer of await askNamingAsOrg()) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(A.secretMarkers.filter((marker) => answer.text.includes(marker))).toEqual([]);
    }
    expect(petsA.seen.length).toBe(seen);
    expect([await aView("/v1/sources"), await aView("/v1/connections"), await aView("/v1/policies"), await aView("/v1/toolkits")]).toEqual(before);
  });

  // `?scope=` may only be `org` or `user` (the caller's own scopes); anything else is a client error
  // (RFC 9110 §15.5; the API answers bad input with 422 validation-failed everywhere else). Known bug:
  // the routes parse it with ScopeChoice.parse, whose ZodError escapes to the error model as a 500
  // (workers/gateway/routes/v1-catalog.ts `which`, v1-connections.ts `which`, v1-governance.ts
  // `which`). Drop `.fails` once these answer 422.
  it("answers ?scope=<another org's id> with 422 validation-failed, not 500", async () => {
    const answers = await askNamingAsOrg();
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 422));
  });
});

describe("A's secret", () => {
  it("appears in nothing org B received, nor in the platform's output", () => {
    expect(bTranscript.length).toBeGreaterThan(100);
    const everything = bTranscript.join("\n");
    expect(A.secretMarkers.filter((marker) => everything.includes(marker))).toEqual([]);
    expect(platform().output()).not.toContain(CANARY_A);
  });
});
