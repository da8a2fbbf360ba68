import { OAuthAuthorizationServer } from "@cloudflare/workers-oauth-provider";
import type { Env } from "../env";

export const AUTHORIZE_PATH = "/oauth/authorize";
export const TOKEN_PATH = "/oauth/token";
export const REGISTER_PATH = "/oauth/register";

export type Resource = "mcp" | "v1";

/** The issuer: the public origin (RFC 8414 §2: no query or fragment). */
export function issuer(env: Env): string {
  return new URL(env.PUBLIC_URL).origin;
}

/** Canonical resource identifiers (RFC 8707, RFC 9728 §3); tokens are bound to exactly one. */
export function resourceUrl(env: Env, resource: Resource): string {
  return `${issuer(env)}/${resource}`;
}

/** RFC 9728 §3.1: metadata lives at the well-known path with the resource's path appended. */
export function resourceMetadataUrl(env: Env, resource: Resource): string {
  return `${issuer(env)}/.well-known/oauth-protected-resource/${resource}`;
}

const servers = new Map<string, OAuthAuthorizationServer<Env>>();

/**
 * The OAuth 2.1 authorization server (@cloudflare/workers-oauth-provider): RFC 8414 metadata, the
 * token endpoint with refresh rotation and RFC 7009 revocation, RFC 7591 registration and Client
 * ID Metadata Documents; PKCE S256 only. One instance per issuer, built on first use.
 */
export function oauthServer(env: Env): OAuthAuthorizationServer<Env> {
  const key = `${issuer(env)}|${env.OAUTH_ACCESS_TOKEN_TTL}|${env.OAUTH_REFRESH_TOKEN_TTL}`;
  let server = servers.get(key);
  if (!server) {
    server = new OAuthAuthorizationServer<Env>({
      issuer: issuer(env),
      resources: [resourceUrl(env, "mcp"), resourceUrl(env, "v1")],
      // Older MCP clients omit `resource`; they are granted the MCP endpoint, never /v1 by default.
      defaultResource: resourceUrl(env, "mcp"),
      authorizeEndpoint: AUTHORIZE_PATH,
      tokenEndpoint: TOKEN_PATH,
      clientRegistrationEndpoint: REGISTER_PATH,
      clientIdMetadataDocumentEnabled: true,
      accessTokenTTL: Number(env.OAUTH_ACCESS_TOKEN_TTL),
      refreshTokenTTL: Number(env.OAUTH_REFRESH_TOKEN_TTL),
    });
    servers.set(key, server);
  }
  return server;
}
