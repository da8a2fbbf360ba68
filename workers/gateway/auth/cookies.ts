import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../env";
import { HttpError } from "../../shared/problem";
import { randomToken, safeEqual } from "../../shared/crypto";

// `__Host-` cookies: Secure, Path=/, no Domain, so no subdomain or plain-http page can set or read them.
const SESSION = "executor_session";
const CSRF = "executor_csrf";
export const SESSION_TTL_MS = 7 * 86_400_000;

export function readSessionCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, SESSION, "host");
}

export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, SESSION, token, {
    prefix: "host",
    httpOnly: true,
    sameSite: "Lax",
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION, { prefix: "host", secure: true, path: "/" });
}

/**
 * The CSRF token for this browser (double-submit: an HttpOnly `__Host-` cookie plus the same value
 * in each form). Issued once and reused, so several open tabs keep working.
 */
export function csrfToken(c: Context<AppEnv>): string {
  const existing = getCookie(c, CSRF, "host");
  if (existing && /^csrf_[0-9a-z]{32}$/.test(existing)) return existing;
  const token = randomToken("csrf");
  setCookie(c, CSRF, token, { prefix: "host", httpOnly: true, sameSite: "Strict", maxAge: 86_400 });
  return token;
}

/**
 * OWASP CSRF guidance: the submitted token must equal the cookie's (constant time), and a request
 * whose Origin names another site is refused outright.
 */
export function verifyCsrf(c: Context<AppEnv>, submitted: string | undefined): void {
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== "null" && origin !== new URL(c.req.url).origin && origin !== new URL(c.env.PUBLIC_URL).origin) {
    throw new HttpError(403, "forbidden", "cross-site request refused");
  }
  const cookie = getCookie(c, CSRF, "host");
  if (!cookie || !submitted || !safeEqual(cookie, submitted)) {
    throw new HttpError(403, "forbidden", "missing or invalid CSRF token; reload the page and try again");
  }
}
