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

/** A same-site path to return to after log-in; anything else (absolute, `//host`, `/\\host`) is dropped. */
export function safeNext(value: string | undefined | null): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/connect";
  return value;
}

export function loginRedirect(c: Context<AppEnv>): Response {
  const url = new URL(c.req.url);
  return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
}
