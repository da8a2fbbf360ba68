import { z } from "zod";
import type { RateLimiter } from "../../../durable-objects/rate-limiter";
import type { RateDecision } from "../../../durable-objects/rate-limiter";
import type { Env } from "../env";
import { HttpError } from "../../shared/problem";

/**
 * - `signup-ip`, `signup-email`: sign-up requests per client address and per address signed up
 *   (each one mails someone, so they are limited to keep the platform from mail-bombing a victim);
 * - `login-ip`: every log-in attempt from one client address;
 * - `login-pair`: failed log-ins for one account from one client address;
 * - `login-email`: failed log-ins for one account from every address together.
 */
export type Bucket = "signup-ip" | "signup-email" | "login-ip" | "login-pair" | "login-email";

const Spec = z
  .string()
  .regex(/^[a-z-]+=\d+\/\d+(,[a-z-]+=\d+\/\d+)*$/, "must be <bucket>=<count>/<seconds>, comma-separated");

type Rule = { limit: number; windowMs: number };
type Limiter = { hit: (i: unknown) => Promise<RateDecision>; check: (i: unknown) => Promise<RateDecision>; clear: () => Promise<void> };

/** Parses `AUTH_RATE_LIMITS` (wrangler.toml) into per-bucket limits. */
function limits(env: Env): Map<string, Rule> {
  const spec = Spec.parse(env.AUTH_RATE_LIMITS);
  return new Map(
    spec.split(",").map((part) => {
      const [name = "", rule = ""] = part.split("=");
      const [count = "0", seconds = "0"] = rule.split("/");
      return [name, { limit: Number(count), windowMs: Number(seconds) * 1000 }] as const;
    }),
  );
}

function limiter(env: Env, bucket: Bucket, subject: string): Limiter {
  const ns = env.RATE_LIMITER as DurableObjectNamespace<RateLimiter>;
  return ns.get(ns.idFromName(`${bucket}:${subject}`)) as unknown as Limiter;
}

function refuse(decision: RateDecision): void {
  if (decision.allowed) return;
  throw new HttpError(429, "rate-limited", `too many attempts; try again in ${decision.retryAfterSeconds} seconds`, {}, {
    "retry-after": String(decision.retryAfterSeconds),
  });
}

/** Counts one attempt against a bucket; over the limit answers 429 with Retry-After (RFC 6585 §4). */
export async function rateLimit(env: Env, bucket: Bucket, subject: string): Promise<void> {
  const rule = limits(env).get(bucket);
  if (rule) refuse(await limiter(env, bucket, subject).hit(rule));
}

/** Answers 429 if a bucket is already full, without counting this attempt (failures count later). */
export async function assertUnderLimit(env: Env, bucket: Bucket, subject: string): Promise<void> {
  const rule = limits(env).get(bucket);
  if (rule) refuse(await limiter(env, bucket, subject).check(rule));
}

/** Counts one failure against a bucket (never refuses: the next attempt's check does). */
export async function countFailure(env: Env, bucket: Bucket, subject: string): Promise<void> {
  const rule = limits(env).get(bucket);
  if (rule) await limiter(env, bucket, subject).hit(rule);
}

export async function clearBucket(env: Env, bucket: Bucket, subject: string): Promise<void> {
  if (limits(env).has(bucket)) await limiter(env, bucket, subject).clear();
}

/** The client address as the edge reports it. */
export function clientAddress(headers: Headers): string {
  return headers.get("cf-connecting-ip") ?? "unknown";
}
