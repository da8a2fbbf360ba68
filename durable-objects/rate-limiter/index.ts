import { DurableObject } from "cloudflare:workers";
import { z } from "zod";

const Limit = z.object({ limit: z.number().int().positive().max(100_000), windowMs: z.number().int().positive() });

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

/**
 * A sliding-window limiter for one key (`idFromName("<bucket>:<subject>")`), e.g. log-in attempts
 * per client address or per email. Durable Objects serialize calls, so counting is exact; an alarm
 * drops the state once the window has passed.
 */
export class RateLimiter extends DurableObject {
  async hit(input: unknown): Promise<RateDecision> {
    const parsed = Limit.safeParse(input);
    // Only the gateway calls this, with limits from its own config: a bad one is a programming error.
    if (!parsed.success) throw new TypeError("rate limit must be { limit, windowMs } with positive integers");
    const { limit, windowMs } = parsed.data;
    const now = Date.now();
    const recent = ((await this.ctx.storage.get<number[]>("hits")) ?? []).filter((t) => t > now - windowMs);
    if (recent.length >= limit) {
      const oldest = recent[0] ?? now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
    }
    recent.push(now);
    await this.ctx.storage.put("hits", recent);
    await this.ctx.storage.setAlarm(now + windowMs);
    return { allowed: true, remaining: limit - recent.length };
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
