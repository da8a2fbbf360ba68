import type { RateLimiter } from "../../../durable-objects/rate-limiter";
import type { RateDecision } from "../../../durable-objects/rate-limiter";
import type { Toolkit } from "../../../schemas";
import type { RouteLimits } from "../../shared/auth-context";
import type { Env } from "../../shared/env";
import { HttpError } from "../../shared/problem";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** A scope's routed calls per day unless `SCOPE_DAILY_CALLS` says otherwise. */
const DEFAULT_DAILY_CALLS = 100_000;

type Limiter = { hit(i: unknown): Promise<RateDecision>; count(i: unknown): Promise<RateDecision> };

function limiter(env: Env, name: string): Limiter {
  const ns = env.RATE_LIMITER as DurableObjectNamespace<RateLimiter>;
  return ns.get(ns.idFromName(name)) as unknown as Limiter;
}

/**
 * Fetch standard §3.2 (CORS): a browser on another origin may call a route only if the toolkit allows
 * that origin and, for an API key, the key allows it too. Credentials (cookies) are never allowed
 * cross-origin: the key travels in `Authorization`, which the preflight names.
 */
export function allowedOrigin(origin: string | undefined, self: string, toolkit: Toolkit, key: RouteLimits | undefined): "same" | "allowed" | "refused" {
  if (origin === undefined || origin === self) return "same";
  if (!toolkit.allowedOrigins.includes(origin)) return "refused";
  if (key && !key.allowedOrigins.includes(origin)) return "refused";
  return "allowed";
}

export function corsHeaders(origin: string): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    vary: "Origin",
    "access-control-expose-headers": "Location, Retry-After, RateLimit, RateLimit-Policy, ETag",
  };
}

export function preflightHeaders(origin: string): Record<string, string> {
  return {
    ...corsHeaders(origin),
    "access-control-allow-methods": "GET, POST",
    "access-control-allow-headers": "authorization, content-type, idempotency-key, x-executor-connection",
    "access-control-max-age": "600",
  };
}

type Window = { name: string; limit: number; decision: RateDecision };

/**
 * draft-ietf-httpapi-ratelimit-headers: `RateLimit-Policy` names each policy in force (`q` requests per
 * `w` seconds) and `RateLimit` what is left of it (`r`) and when it resets (`t`).
 */
function rateHeaders(windows: Window[]): Record<string, string> {
  const policy = windows.map((w) => `"${w.name}";q=${w.limit};w=${w.name === "quota" ? DAY_MS / 1000 : MINUTE_MS / 1000}`).join(", ");
  const left = windows
    .filter((w) => w.decision.allowed)
    .map((w) => (w.decision.allowed ? `"${w.name}";r=${w.decision.remaining};t=${w.decision.resetSeconds}` : ""))
    .join(", ");
  return { ...(policy ? { "ratelimit-policy": policy } : {}), ...(left ? { ratelimit: left } : {}) };
}

/**
 * Counts one routed request against the key's and the toolkit's per-minute limits and the scope's
 * and toolkit's daily quotas; over any, 429 with Retry-After (RFC 6585 §4) and the RateLimit headers.
 * Answers the headers to put on a successful answer.
 */
export async function consumeLimits(env: Env, toolkit: Toolkit, key: RouteLimits | undefined, orgId: string): Promise<Record<string, string>> {
  const day = new Date().toISOString().slice(0, 10);
  const checks: Array<{ name: string; limit: number; run: () => Promise<RateDecision> }> = [];
  if (key?.rateLimitPerMinute) {
    const limit = key.rateLimitPerMinute;
    checks.push({ name: "key", limit, run: () => limiter(env, `route-key:${key.keyId}`).hit({ limit, windowMs: MINUTE_MS }) });
  }
  if (toolkit.rateLimitPerMinute) {
    const limit = toolkit.rateLimitPerMinute;
    checks.push({ name: "toolkit", limit, run: () => limiter(env, `route-toolkit:${toolkit.id}`).hit({ limit, windowMs: MINUTE_MS }) });
  }
  const scopeDaily = Number(env.SCOPE_DAILY_CALLS) > 0 ? Number(env.SCOPE_DAILY_CALLS) : DEFAULT_DAILY_CALLS;
  const daily = Math.min(scopeDaily, toolkit.callsPerDay ?? Number.POSITIVE_INFINITY);
  checks.push({ name: "quota", limit: daily, run: () => limiter(env, `quota:${toolkit.callsPerDay ? `toolkit:${toolkit.id}` : `scope:${orgId}`}:${day}`).count({ limit: daily, windowMs: DAY_MS }) });
  // All at once: a refusal by one still counts the request against the others, as any request does.
  const decisions = await Promise.all(checks.map((check) => check.run()));
  const windows: Window[] = checks.map((check, i) => ({ name: check.name, limit: check.limit, decision: decisions[i] as RateDecision }));
  for (const { name: checkName, limit: checkLimit, decision } of windows) {
    const check = { name: checkName, limit: checkLimit };
    if (!decision.allowed) {
      const why = check.name === "quota" ? "today's quota of calls is spent" : `the ${check.name}'s limit of ${check.limit} requests per minute is reached`;
      throw new HttpError(429, "rate-limited", `${why}; try again in ${decision.retryAfterSeconds} seconds`, {}, {
        "retry-after": String(decision.retryAfterSeconds),
        ...rateHeaders(windows),
      });
    }
  }
  return rateHeaders(windows);
}
