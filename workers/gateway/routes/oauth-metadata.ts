import type { Context } from "hono";
import { Hono } from "hono";
import type { Resource } from "../auth/oauth";
import { issuer, oauthServer, resourceUrl } from "../auth/oauth";
import type { AppEnv } from "../env";

/** Hands a request to the authorization server (its own routing covers these paths). */
function serve(c: Context<AppEnv>): Promise<Response> {
  return oauthServer(c.env).fetch(c.req.raw, c.env, c.executionCtx as ExecutionContext<unknown>);
}

const NAMES: Record<Resource, string> = { mcp: "Executor MCP endpoint", v1: "Executor HTTP API" };

/**
 * RFC 9728 protected resource metadata for /mcp and /v1, and the authorization server's own
 * endpoints (RFC 8414 metadata, token + revocation, RFC 7591 registration), which the
 * workers-oauth-provider library serves.
 */
export const oauthMetadata = new Hono<AppEnv>()
  .get("/.well-known/oauth-protected-resource/:resource{mcp|v1}", (c) => {
    const resource = c.req.param("resource") as Resource;
    c.header("cache-control", "public, max-age=300");
    c.header("access-control-allow-origin", "*");
    return c.json({
      resource: resourceUrl(c.env, resource),
      authorization_servers: [issuer(c.env)],
      bearer_methods_supported: ["header"],
      resource_name: NAMES[resource],
    });
  })
  .all("/.well-known/oauth-authorization-server", serve)
  .all("/.well-known/oauth-authorization-server/*", serve)
  .all("/oauth/token", serve)
  .all("/oauth/register", serve);
