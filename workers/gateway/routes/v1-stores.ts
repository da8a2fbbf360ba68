import { Hono } from "hono";
import { z } from "zod";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import { scopeQuery } from "../catalog/scope-access";
import type { AppEnv } from "../env";
import { HttpError } from "../../shared/problem";
import { createStoreFor, listStoresFor, removeStoreFor, searchStores, StoreCreateBody } from "../stores/service";
import { subscribe } from "../stores/subscribe";

const SearchText = z.string().trim().min(1).max(200);

/**
 * Stores (issue 15): placing and removing them is management (like sources); reading and writing
 * them is calling the `store` source's tools (`/v1/call`, MCP `execute`, code), so those are Runs.
 */
export const v1Stores = new Hono<AppEnv>()
  .use("/v1/stores", requireAuth("v1"))
  .use("/v1/stores/*", requireAuth("v1"))
  .post("/v1/stores", async (c) => {
    const body = await readJson(c, StoreCreateBody);
    return c.json({ store: await createStoreFor(c.env, c.get("auth"), body) }, 201);
  })
  .get("/v1/stores", async (c) => c.json({ stores: await listStoresFor(c.env, c.get("auth")) }))
  .get("/v1/stores/search", async (c) => {
    const q = SearchText.safeParse(c.req.query("q"));
    if (!q.success) throw new HttpError(422, "validation-failed", "query 'q': 1 to 200 characters", { errors: [{ path: "q", message: "1 to 200 characters" }] });
    return c.json(await searchStores(c.env, c.get("auth"), q.data, "http"));
  })
  .delete("/v1/stores/:name", async (c) => {
    await removeStoreFor(c.env, c.get("auth"), scopeQuery(c.req.query("scope")), c.req.param("name"));
    return c.body(null, 204);
  })
  .get("/v1/stores/:scope/:name/subscribe", subscribe);
