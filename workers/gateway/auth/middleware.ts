import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { HttpError } from "../../shared/problem";
import { verifyCsrf, readSessionCookie } from "./cookies";
import type { Resource } from "./oauth";
import { resourceMetadataUrl } from "./oauth";
import { authenticateBearer, authenticateSession } from "./principal";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * RFC 6750 §3 with RFC 9728 §5.1: a 401 names the protected resource metadata so MCP clients can
 * discover the authorization server.
 */
export function challenge(c: { env: AppEnv["Bindings"] }, resource: Resource, error?: string, description?: string): string {
  const parts = [`resource_metadata="${resourceMetadataUrl(c.env, resource)}"`];
  if (error) parts.push(`error="${error}"`);
  if (description) parts.push(`error_description="${description}"`);
  return `Bearer ${parts.join(", ")}`;
}

/**
 * Authenticates a request to a protected resource once and stores the AuthContext for routes:
 * a Bearer API key or OAuth access token (audience-bound to this resource), or, for /v1, a session
 * cookie with a CSRF header on state-changing methods.
 */
export function requireAuth(resource: Resource) {
  return createMiddleware<AppEnv>(async (c, next) => {
    // OAuth 2.1 §5.1.2 / RFC 6750 §2.3 (MCP forbids it): access tokens in the query string are refused.
    if (new URL(c.req.url).searchParams.has("access_token")) {
      throw new HttpError(400, "invalid-request", "access tokens in the query string are not accepted; use the Authorization header", {}, {
        "www-authenticate": challenge(c, resource, "invalid_request", "token in query string"),
      });
    }
    const header = c.req.header("authorization");
    if (header !== undefined) {
      // Tokens from workers-oauth-provider contain ':' (outside RFC 6750's b64token), so accept any
      // visible ASCII without spaces.
      const match = /^Bearer +([\x21-\x7e]{1,4096})$/i.exec(header.trim());
      const auth = match?.[1] ? await authenticateBearer(c.env, resource, match[1]) : null;
      if (!auth) {
        throw new HttpError(401, "unauthorized", "the access token is invalid, expired, revoked, or issued for another resource", {}, {
          "www-authenticate": challenge(c, resource, "invalid_token"),
        });
      }
      c.set("auth", auth);
      return next();
    }
    const session = resource === "v1" ? readSessionCookie(c) : undefined;
    const auth = session ? await authenticateSession(c.env, session) : null;
    if (auth) {
      if (!SAFE_METHODS.has(c.req.method)) verifyCsrf(c, c.req.header("x-csrf-token"));
      c.set("auth", auth);
      return next();
    }
    throw new HttpError(401, "unauthorized", "authentication required", {}, { "www-authenticate": challenge(c, resource) });
  });
}
