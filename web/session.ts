import type { Context } from "hono";
import { readSessionCookie } from "../workers/gateway/auth/cookies";
import type { AuthContext } from "../workers/gateway/auth/principal";
import { authenticateSession } from "../workers/gateway/auth/principal";
import type { AppEnv } from "../workers/gateway/env";

/** The signed-in person for a page, or null. Pages authenticate only by session cookie. */
export async function pageAuth(c: Context<AppEnv>): Promise<AuthContext | null> {
  const token = readSessionCookie(c);
  return token ? authenticateSession(c.env, token) : null;
}

const FALLBACK = "/connect";
const ORIGIN = "https://next.invalid";

/**
 * Where to return after log-in: a path on this site, never anywhere else. Parsed the way the
 * browser will parse it (WHATWG URL, which drops tabs and newlines and reads `\` as `/`, so
 * `/\t/evil.example` is `//evil.example`) against a placeholder origin; anything that does not stay
 * on that origin is dropped (OWASP "Unvalidated Redirects and Forwards"). Only the path, query and
 * fragment are kept, re-serialized by the parser.
 */
export function safeNext(value: string | undefined | null): string {
  if (!value || !value.startsWith("/")) return FALLBACK;
  let url: URL;
  try {
    url = new URL(value, ORIGIN);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== ORIGIN) return FALLBACK;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // A path that itself starts with `//` would be protocol-relative wherever it is re-used.
  return path.startsWith("/") && !path.startsWith("//") ? path : FALLBACK;
}

export function loginRedirect(c: Context<AppEnv>): Response {
  const url = new URL(c.req.url);
  return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
}
