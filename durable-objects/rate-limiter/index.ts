import { DurableObject } from "cloudflare:workers";
import { z } from "zod";

const Limit = z.object({ limit: z.number().int().positive().max(100_000), windowMs: z.number().int().positive() });

/** `resetSeconds`: when the oldest counted event leaves the window (draft-ietf-httpapi-ratelimit-headers `t`). */
export type RateDecision = { allowed: true; remaining: number; resetSeconds: number } | { allowed: false; retryAfterSeconds: number };
const Quota = z.object({ limit: z.number().int().positive().max(100_000_000), windowMs: z.number().int().positive().max(31 * 86_400_000) });

/**
 * A sliding-window limiter for one key (`idFromName("<bucket>:<subject>")`), e.g. log-in attempts
 * per client address or failed log-ins per email. Durable Objects serialize calls, so counting is
 * exact; an alarm drops the state once the window has passed.
 */
export class RateLimiter extends DurableObject {
  /** Counts one event and answers whether it was within the limit (an event over it is not counted). */
  async hit(input: unknown): Promise<RateDecision> {
    const { limit, windowMs } = this.#rule(input);
    const now = Date.now();
    const recent = await this.#recent(now, windowMs);
    if (recent.length >= limit) return refusal(recent, now, windowMs);
    recent.push(now);
    await this.ctx.storage.put("hits", recent);
    await this.ctx.storage.setAlarm(now + windowMs);
    return { allowed: true, remaining: limit - recent.length, resetSeconds: secondsUntil((recent[0] ?? now) + windowMs, now) };
  }

  /** Answers whether one more event would be within the limit, without counting anything. */
  async check(input: unknown): Promise<RateDecision> {
    const { limit, windowMs } = this.#rule(input);
    const now = Date.now();
    const recent = await this.#recent(now, windowMs);
    return recent.length >= limit
      ? refusal(recent, now, windowMs)
      : { allowed: true, remaining: limit - recent.length, resetSeconds: secondsUntil((recent[0] ?? now) + windowMs, now) };
  }

  /**
   * A quota over a fixed window (e.g. calls per day): one counter, not a timestamp per event, so a
   * large limit costs one number. Counts the event only when it is within the quota.
   */
  async count(input: unknown): Promise<RateDecision> {
    const parsed = Quota.safeParse(input);
    if (!parsed.success) throw new TypeError("quota must be { limit, windowMs } with positive integers");
    const { limit, windowMs } = parsed.data;
    const now = Date.now();
    const start = now - (now % windowMs);
    const stored = (await this.ctx.storage.get<{ start: number; n: number }>("quota")) ?? { start, n: 0 };
    const current = stored.start === start ? stored : { start, n: 0 };
    if (current.n >= limit) return { allowed: false, retryAfterSeconds: secondsUntil(start + windowMs, now) };
    current.n += 1;
    await this.ctx.storage.put("quota", current);
    await this.ctx.storage.setAlarm(start + windowMs);
    return { allowed: true, remaining: limit - current.n, resetSeconds: secondsUntil(start + windowMs, now) };
  }

  /** Forgets every counted event (e.g. failed log-ins from an address, after a successful one). */
  async clear(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  #rule(input: unknown): z.infer<typeof Limit> {
    const parsed = Limit.safeParse(input);
    // Only the gateway calls this, with limits from its own config: a bad one is a programming error.
    if (!parsed.success) throw new TypeError("rate limit must be { limit, windowMs } with positive integers");
    return parsed.data;
  }

  async #recent(now: number, windowMs: number): Promise<number[]> {
    return ((await this.ctx.storage.get<number[]>("hits")) ?? []).filter((t) => t > now - windowMs);
  }
}

function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}

function refusal(recent: number[], now: number, windowMs: number): RateDecision {
  const oldest = recent[0] ?? now;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
}
