import { z } from "zod";
import type { RateLimiter } from "../../../durable-objects/rate-limiter";
import type { RateDecision } from "../../../durable-objects/rate-limiter";
import type { Env } from "../env";
import { HttpError } from "../problem";

export type Bucket = "signup-ip" | "login-ip" | "login-email";

const Spec = z
  .string()
  .regex(/^[a-z-]+=\d+\/\d+(,[a-z-]+=\d+\/\d+)*$/, "must be <bucket>=<count>/<seconds>, comma-separated");

/** Parses `AUTH_RATE_LIMITS` (wrangler.toml) into per-bucket limits. */
function limits(env: Env): Map<string, { limit: number; windowMs: number }> {
  const spec = Spec.parse(env.AUTH_RATE_LIMITS);
  return new Map(
    spec.split(",").map((part) => {
      const [name = "", rule = ""] = part.split("=");
      const [count = "0", seconds = "0"] = rule.split("/");
      return [name, { limit: Number(count), windowMs: Number(seconds) * 1000 }] as const;
    }),
  );
}

/** Counts one attempt against a bucket; over the limit answers 429 with Retry-After (RFC 6585 §4). */
export async function rateLimit(env: Env, bucket: Bucket, subject: string): Promise<void> {
  const rule = limits(env).get(bucket);
  if (!rule) return;
  const ns = env.RATE_LIMITER as DurableObjectNamespace<RateLimiter>;
  const stub = ns.get(ns.idFromName(`${bucket}:${subject}`)) as unknown as { hit: (i: unknown) => Promise<RateDecision> };
  const decision = await stub.hit(rule);
  if (!decision.allowed) {
    throw new HttpError(
      429,
      "rate-limited",
      `too many attempts; try again in ${decision.retryAfterSeconds} seconds`,
      {},
      { "retry-after": String(decision.retryAfterSeconds) },
    );
  }
}

/** The client address as the edge reports it. */
export function clientAddress(headers: Headers): string {
  return headers.get("cf-connecting-ip") ?? "unknown";
}
