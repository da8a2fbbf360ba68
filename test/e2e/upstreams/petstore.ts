import type { Upstream } from "./http-server";
import { json, serve } from "./http-server";

/** The OpenAPI description the pet store serves about itself. */
export function petstoreSpec(base: string): object {
  const pet = { type: "object", required: ["id", "name"], properties: { id: { type: "integer" }, name: { type: "string" }, tag: { type: "string" } } };
  return {
    openapi: "3.0.3",
    info: { title: "Pet Store", version: "1.0.0" },
    servers: [{ url: base }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } }, schemas: { Pet: pet } },
    security: [{ bearer: [] }],
    paths: {
      "/pets": {
        get: {
          operationId: "listPets",
          summary: "List pets",
          parameters: [{ name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } }],
          responses: { "200": { description: "ok", content: { "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Pet" } } } } } },
        },
        post: {
          operationId: "createPet",
          summary: "Create a pet",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { type: "object", required: ["name"], properties: { name: { type: "string" }, tag: { type: "string" } } } } },
          },
          responses: { "201": { description: "created" } },
        },
      },
      "/pets/{petId}": {
        get: {
          operationId: "getPet",
          summary: "Get one pet by id",
          parameters: [{ name: "petId", in: "path", required: true, schema: { type: "integer" } }],
          responses: { "200": { description: "ok" } },
        },
        delete: {
          operationId: "deletePet",
          summary: "Delete a pet",
          parameters: [{ name: "petId", in: "path", required: true, schema: { type: "integer" } }],
          responses: { "204": { description: "deleted" } },
        },
      },
      "/debug/echo": {
        get: { operationId: "echoFailure", summary: "Fails and echoes the request headers back", responses: { "500": { description: "boom" } } },
      },
      "/slow": {
        get: { operationId: "slowPets", summary: "Never answers in time", responses: { "200": { description: "ok" } } },
      },
    },
  };
}

/** A real pet-store HTTP API on loopback, serving its own OpenAPI description at /openapi.json. */
export type Petstore = Upstream & {
  pets: Map<number, { id: number; name: string }>;
  /** Changes the description it serves from now on (a "new release" of the API, for refresh tests). */
  specPatch?: (spec: object) => void;
};

export async function startPetstore(): Promise<Petstore> {
  const pets = new Map([
    [1, { id: 1, name: "Rex" }],
    [2, { id: 2, name: "Tom" }],
  ]);
  let base = "";
  const upstream = await serve((req, res) => {
    const url = new URL(req.path, "http://x");
    if (url.pathname === "/openapi.json") {
      const spec = petstoreSpec(base);
      state.specPatch?.(spec);
      return json(res, 200, spec);
    }
    if (url.pathname === "/debug/echo") return json(res, 500, { error: "boom", yourHeaders: req.headers });
    if (url.pathname === "/slow") return; // never answers
    if (url.pathname === "/pets" && req.method === "GET") {
      const limit = Number(url.searchParams.get("limit") ?? 100);
      return json(res, 200, [...pets.values()].slice(0, limit));
    }
    if (url.pathname === "/pets" && req.method === "POST") {
      const body = JSON.parse(req.body) as { name: string };
      const pet = { id: pets.size + 1, name: body.name };
      pets.set(pet.id, pet);
      return json(res, 201, pet);
    }
    const match = /^\/pets\/(\d+)$/.exec(url.pathname);
    if (match) {
      const id = Number(match[1]);
      const pet = pets.get(id);
      if (!pet) return json(res, 404, { error: "no such pet" });
      if (req.method === "DELETE") {
        pets.delete(id);
        res.writeHead(204);
        return res.end();
      }
      return json(res, 200, pet);
    }
    json(res, 404, { error: "not found" });
  });
  base = upstream.url;
  const state: Petstore = { ...upstream, pets };
  return state;
}
