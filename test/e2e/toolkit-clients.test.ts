import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import createClient from "openapi-fetch";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratch, typeErrorsIn } from "../../core/toolkit-doc/testing";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import { startPetstore } from "./upstreams/petstore";

// A customer backend (this Node process) generates a client from a toolkit's OpenAPI document, or
// imports the toolkit's SDK, and calls two tools with a key bound to the toolkit.
describe("customer backends calling a toolkit by its document or its SDK", () => {
  let platform: Platform;
  let pets: Awaited<ReturnType<typeof startPetstore>>;
  let owner: Account;
  let key = "";
  const dir = scratch();
  const docPath = (): string => `/v1/toolkits/${owner.orgId}/shop/openapi.json`;

  beforeAll(async () => {
    [platform, pets] = await Promise.all([startPlatform(), startPetstore()]);
    owner = await signUpWithKey(platform.baseUrl, "backend-clients@example.com");
    const api = client(platform.baseUrl, owner.key);
    await api.post("/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${pets.url}/openapi.json` }, local: true, connection: { name: "work", secret: "clients-secret" } });
    await api.post("/v1/toolkits", { slug: "shop", title: "Shop", tools: [`pets.${owner.orgId}.work.getPet`, `pets.${owner.orgId}.work.listPets`], patterns: [] });
    key = String((await client(platform.baseUrl, owner.approverKey).post("/v1/api-keys", { name: "backend", toolkit: `${owner.orgId}/shop` })).body.key);
  });

  afterAll(async () => {
    await Promise.all([platform?.stop(), pets?.close()]);
    if (platform) removeDataDir(platform.dataDir);
  });

  it("serves the document with an ETag, and 304 when it has not changed", async () => {
    const res = await fetch(`${platform.baseUrl}${docPath()}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const etag = res.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([`/v1/toolkits/${owner.orgId}/shop/tools/pets/getPet`, `/v1/toolkits/${owner.orgId}/shop/tools/pets/listPets`]);
    const again = await fetch(`${platform.baseUrl}${docPath()}`, { headers: { authorization: `Bearer ${key}`, "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect((await fetch(`${platform.baseUrl}${docPath()}`)).status).toBe(401);
  });

  it("generates a typed client from the document that calls two tools", async () => {
    const doc = await (await fetch(`${platform.baseUrl}${docPath()}`, { headers: { authorization: `Bearer ${key}` } })).json();
    const types = astToString(await openapiTS(doc as never));
    const getPet = `/v1/toolkits/${owner.orgId}/shop/tools/pets/getPet`;
    const usage = `import createClient from "openapi-fetch";\nimport type { paths } from "./schema";\nconst c = createClient<paths>({ baseUrl: "x" });\nexport const r = c.POST(${JSON.stringify(getPet)}, { body: { petId: 1 } });\n`;
    expect(typeErrorsIn(dir, { "schema.ts": types, "use.ts": usage })).toEqual([]);
    expect(typeErrorsIn(dir, { "schema.ts": types, "bad.ts": usage.replace("petId: 1", 'petId: "1"') }).length).toBeGreaterThan(0);
    const c = createClient<Record<string, never>>({ baseUrl: platform.baseUrl, headers: { authorization: `Bearer ${key}` } });
    const post = c.POST as unknown as (path: string, init: object) => Promise<{ data?: { result: unknown }; response: Response }>;
    const one = await post(getPet, { body: { petId: 1 } });
    expect(one.response.status).toBe(200);
    expect(one.data?.result).toEqual({ id: 1, name: "Rex" });
    const all = await post(`/v1/toolkits/${owner.orgId}/shop/tools/pets/listPets`, { body: { limit: 1 } });
    expect(all.data?.result).toEqual([{ id: 1, name: "Rex" }]);
  });

  it("imports the toolkit's SDK, which type-checks and calls two tools", async () => {
    const sdk = await (await fetch(`${platform.baseUrl}/v1/toolkits/${owner.orgId}/shop/sdk.ts`, { headers: { authorization: `Bearer ${key}` } })).text();
    const use = `import { createClient } from "./sdk";\nconst c = createClient({ apiKey: "k" });\nexport const r = c.petsGetPet({ petId: 1 });\n`;
    expect(typeErrorsIn(dir, { "sdk.ts": sdk, "use.ts": use })).toEqual([]);
    expect(typeErrorsIn(dir, { "sdk.ts": sdk, "wrong.ts": use.replace("petId: 1", "petId: true") }).length).toBeGreaterThan(0);
    const file = join(dir, "shop-sdk.mjs");
    writeFileSync(file, ts.transpileModule(sdk, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText);
    const mod = (await import(pathToFileURL(file).href)) as { createClient: (o: { apiKey: string }) => Record<string, (a: unknown) => Promise<unknown>> };
    const c = mod.createClient({ apiKey: key });
    expect(await c.petsGetPet!({ petId: 2 })).toEqual({ id: 2, name: "Tom" });
    expect(await c.petsListPets!({ limit: 2 })).toHaveLength(2);
    await expect(c.petsGetPet!({ petId: "x" })).rejects.toMatchObject({ name: "ExecutorError", status: 422 });
  });
});
