import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import { JsonObject, Slug } from "../../../schemas";
import type { ExposedTool } from "../../../schemas";
import { callTool } from "../../invoke/call";
import { resolveAddress } from "../../invoke/catalog-view";
import { parseAddress } from "../../../core/address";
import { requireCapability } from "../../shared/capabilities";
import { HttpError } from "../../shared/problem";
import { unwrap } from "../../shared/result";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import { writableScope } from "../catalog/scope-access";
import type { AppEnv } from "../env";
import { callOutcomeResponse } from "../respond";
import { allowedOrigin, consumeLimits, corsHeaders, preflightHeaders } from "../toolkit-api/limits";
import type { RoutedToolkit } from "../toolkit-api/surface";
import { currentSurface, routeTarget, routedToolkit, servedSurface } from "../toolkit-api/surface";
import { toolkitEtag, toolkitOpenApi, toolkitSdk } from "../../../core/toolkit-doc";

const ROUTE = "/v1/toolkits/:scope/:slug/tools/:source/:name{.+}";

function self(c: Context<AppEnv>): string {
  return new URL(c.env.PUBLIC_URL).origin;
}

/** Rethrows an HttpError with more headers (CORS, RateLimit) so a browser can read the refusal too. */
async function withHeaders<T>(headers: Record<string, string>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HttpError) throw new HttpError(error.status, error.type, error.message, error.extra, { ...headers, ...error.headers });
    throw error;
  }
}

/** The connection a route call uses: named by `?connection=` or `X-Executor-Connection`, else the one default; never a guess. */
function chooseConnection(c: Context<AppEnv>, connections: string[], defaultConnection: string | null): string {
  const tool = { connections: [...new Set(connections)].sort(), defaultConnection };
  const named = c.req.query("connection") ?? c.req.header("x-executor-connection");
  if (named !== undefined) {
    if (!Slug.safeParse(named).success || !tool.connections.includes(named)) {
      throw new HttpError(422, "validation-failed", `connection '${named.slice(0, 63)}' does not reach this tool; use one of: ${tool.connections.join(", ")}`, {
        errors: [{ path: "connection", message: "not a connection this toolkit reaches the tool through" }],
      });
    }
    return named;
  }
  if (tool.defaultConnection) return tool.defaultConnection;
  throw new HttpError(422, "validation-failed", `several connections reach this tool (${tool.connections.join(", ")}): name one with ?connection= or the X-Executor-Connection header`, {
    errors: [{ path: "connection", message: "required: several connections reach this tool" }],
  });
}

/** A pinned toolkit's route stops (409) when a refresh changed its tool, until an owner promotes again. */
async function assertPinnedStill(c: Context<AppEnv>, routed: RoutedToolkit, address: string, tool: ExposedTool): Promise<void> {
  if (!routed.toolkit.pinned) return;
  const resolved = await resolveAddress(c.env, routed.auth.principal, parseAddress(address));
  if (resolved.tool.hash !== tool.hash) {
    throw new HttpError(409, "conflict", `the tool changed since version ${routed.toolkit.version} of this toolkit was promoted; an owner must promote the new version (POST /v1/toolkits/${routed.toolkit.slug}/promote)`);
  }
}

/**
 * Scoped HTTP endpoints for customer backends (issue 16): one route per tool a toolkit exposes, with
 * CORS per toolkit and key, rate limits, quotas and pinned versions, each call through the one
 * invocation path (policy, approval, Run).
 */
export const v1ToolkitApi = new Hono<AppEnv>()
  // Fetch §4.8 CORS preflight: unauthenticated by definition; it says only whether the origin may try.
  .options("/v1/toolkits/:scope/:slug/*", async (c) => {
    const origin = c.req.header("origin");
    const found = origin ? await scopeCatalog(c.env.SCOPE_CATALOG, c.req.param("scope")).getToolkit(c.req.param("slug")).catch(() => null) : null;
    if (!origin || !found?.ok || !found.value.allowedOrigins.includes(origin)) {
      throw new HttpError(403, "forbidden", "this origin may not call this toolkit's routes");
    }
    return c.body(null, 204, preflightHeaders(origin));
  })
  .post(ROUTE, requireAuth("v1"), async (c) => {
    const auth = c.get("auth");
    const routed = await routedToolkit(c.env, auth, c.req.param("scope"), c.req.param("slug"));
    const origin = c.req.header("origin");
    const verdict = allowedOrigin(origin, self(c), routed.toolkit, auth.grant.routes);
    if (verdict === "refused") throw new HttpError(403, "forbidden", "this origin may not call this toolkit's routes with this credential");
    const cors = verdict === "allowed" && origin ? corsHeaders(origin) : {};
    return withHeaders(cors, async () => {
      const source = c.req.param("source");
      const name = c.req.param("name");
      const [rate, target] = await Promise.all([
        consumeLimits(c.env, routed.toolkit, auth.grant.routes, routed.auth.principal.orgId),
        routeTarget(c.env, routed, source, name),
      ]);
      return withHeaders(rate, async () => {
        if (!target) throw new HttpError(404, "not-found", `toolkit '${routed.toolkit.scope}/${routed.toolkit.slug}' has no tool ${source}/${name}`);
        const connection = chooseConnection(c, target.candidates.map((t) => t.name), target.defaultConnection);
        // The innermost scope holding a connection of that name (the toolkit selects its address).
        const scopeId = target.candidates.filter((t) => t.name === connection).at(-1)?.scope ?? routed.toolkit.scope;
        const address = `${source}.${scopeId}.${connection}.${name}`;
        if (target.pinned) await assertPinnedStill(c, routed, address, target.pinned);
        const args = c.req.header("content-type") ? await readJson(c, JsonObject) : {};
        const idem = c.req.header("idempotency-key");
        const outcome = await callTool(c.env, routed.auth, {
          address,
          args,
          surface: "http",
          idempotencyKey: idem ? `${routed.auth.principal.credentialId}:${idem.slice(0, 200)}` : null,
        });
        const res = await callOutcomeResponse(c, outcome);
        for (const [k, v] of Object.entries({ ...cors, ...rate })) res.headers.set(k, v);
        if (outcome.kind === "pending") res.headers.set("location", `/v1/runs/${outcome.run.id}`);
        res.headers.set("x-toolkit-version", String(routed.toolkit.pinned ? routed.toolkit.version : 0));
        return res;
      });
    });
  })
  /** The toolkit's OpenAPI 3.1 document; its ETag changes exactly when the served tools or schemas do. */
  .get("/v1/toolkits/:scope/:slug/openapi.json", requireAuth("v1"), async (c) => describeToolkit(c, "openapi"))
  /** A typed TypeScript SDK of the same routes. */
  .get("/v1/toolkits/:scope/:slug/sdk.ts", requireAuth("v1"), async (c) => describeToolkit(c, "sdk"))
  /** Promotes (pins) a toolkit: its routes and document serve today's tools until promoted again. */
  .post("/v1/toolkits/:slug/promote", requireAuth("v1"), async (c) => {
    const auth = c.get("auth");
    requireCapability(auth, "administer", "promote a toolkit");
    const which = z.enum(["org", "user"]).catch("org").parse(c.req.query("scope"));
    const scopeId = writableScope(auth, which);
    const routed = await routedToolkit(c.env, auth, scopeId, c.req.param("slug"));
    const surface = await currentSurface(c.env, routed, self(c));
    const toolkit = unwrap(await scopeCatalog(c.env.SCOPE_CATALOG, scopeId).pinToolkit(routed.toolkit.slug, surface));
    return c.json({ toolkit, tools: surface.tools.length });
  })
  .post("/v1/toolkits/:slug/unpin", requireAuth("v1"), async (c) => {
    const which = z.enum(["org", "user"]).catch("org").parse(c.req.query("scope"));
    const scopeId = writableScope(c.get("auth"), which);
    return c.json({ toolkit: unwrap(await scopeCatalog(c.env.SCOPE_CATALOG, scopeId).unpinToolkit(c.req.param("slug"))) });
  });

async function describeToolkit(c: Context<AppEnv>, what: "openapi" | "sdk"): Promise<Response> {
  const auth = c.get("auth");
  const routed = await routedToolkit(c.env, auth, c.req.param("scope") ?? "", c.req.param("slug") ?? "");
  const origin = c.req.header("origin");
  const verdict = allowedOrigin(origin, self(c), routed.toolkit, auth.grant.routes);
  if (verdict === "refused") throw new HttpError(403, "forbidden", "this origin may not read this toolkit's description with this credential");
  const surface = await servedSurface(c.env, routed, self(c));
  const document = toolkitOpenApi(surface);
  // One tag for both: the SDK is generated from the same surface the document describes.
  const etag = await toolkitEtag({ ...document, "x-executor-form": what });
  const headers: Record<string, string> = { etag, "cache-control": "private, no-cache", ...(verdict === "allowed" && origin ? corsHeaders(origin) : {}) };
  // RFC 9110 §13.1.2: If-None-Match with the current tag answers 304 without a body.
  if (c.req.header("if-none-match")?.split(",").map((t) => t.trim()).includes(etag)) return c.body(null, 304, headers);
  if (what === "openapi") return c.json(document, 200, headers);
  return c.body(toolkitSdk(surface), 200, { ...headers, "content-type": "text/plain; charset=utf-8" });
}

