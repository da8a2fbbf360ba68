import { OAuthAuthorizationServer } from "@cloudflare/workers-oauth-provider";
import { z } from "zod";
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

/** The library refuses lifetimes under 60 s; refresh tokens may also be 0 (no refresh). */
const Lifetimes = z.object({
  access: z.coerce.number().int().min(60).max(86_400),
  refresh: z.coerce.number().int().refine((n) => n === 0 || (n >= 60 && n <= 31_536_000), "must be 0 or 60..31536000"),
});

/** Token lifetimes from config, checked so a bad value fails loudly (and shows in /healthz). */
export function tokenLifetimes(env: Env): { access: number; refresh: number } {
  const parsed = Lifetimes.safeParse({ access: env.OAUTH_ACCESS_TOKEN_TTL, refresh: env.OAUTH_REFRESH_TOKEN_TTL });
  if (!parsed.success) {
    throw new Error(`invalid OAuth token lifetimes (OAUTH_ACCESS_TOKEN_TTL, OAUTH_REFRESH_TOKEN_TTL): ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}

/**
 * The OAuth 2.1 authorization server (@cloudflare/workers-oauth-provider): RFC 8414 metadata, the
 * token endpoint with refresh rotation and RFC 7009 revocation, RFC 7591 registration and Client
 * ID Metadata Documents; PKCE S256 only. One instance per issuer, built on first use.
 */
export function oauthServer(env: Env): OAuthAuthorizationServer<Env> {
  const key = `${issuer(env)}|${env.OAUTH_ACCESS_TOKEN_TTL}|${env.OAUTH_REFRESH_TOKEN_TTL}`;
  let server = servers.get(key);
  if (!server) {
    const lifetimes = tokenLifetimes(env);
    server = new OAuthAuthorizationServer<Env>({
      issuer: issuer(env),
      resources: [resourceUrl(env, "mcp"), resourceUrl(env, "v1")],
      // Older MCP clients omit `resource`; they are granted the MCP endpoint, never /v1 by default.
      defaultResource: resourceUrl(env, "mcp"),
      authorizeEndpoint: AUTHORIZE_PATH,
      tokenEndpoint: TOKEN_PATH,
      clientRegistrationEndpoint: REGISTER_PATH,
      clientIdMetadataDocumentEnabled: true,
      accessTokenTTL: lifetimes.access,
      refreshTokenTTL: lifetimes.refresh,
    });
    servers.set(key, server);
  }
  return server;
}
