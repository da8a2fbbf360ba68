import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RateDecision } from "./index";

type Limiter = { hit: (input: unknown) => Promise<RateDecision> };
const limiter = (name: string): DurableObjectStub & Limiter =>
  env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name)) as unknown as DurableObjectStub & Limiter;

describe("RateLimiter", () => {
  it("allows up to the limit within a window, then answers with a retry-after", async () => {
    const l = limiter("test:a");
    for (let i = 0; i < 3; i++) expect((await l.hit({ limit: 3, windowMs: 60_000 })).allowed).toBe(true);
    const refused = await l.hit({ limit: 3, windowMs: 60_000 });
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.retryAfterSeconds).toBeGreaterThan(50);
  });

  it("keeps subjects apart", async () => {
    await limiter("test:b").hit({ limit: 1, windowMs: 60_000 });
    expect((await limiter("test:c").hit({ limit: 1, windowMs: 60_000 })).allowed).toBe(true);
  });

  it("forgets a subject once its window's alarm has run", async () => {
    const l = limiter("test:d");
    await l.hit({ limit: 1, windowMs: 60_000 });
    expect((await l.hit({ limit: 1, windowMs: 60_000 })).allowed).toBe(false);
    expect(await runDurableObjectAlarm(l)).toBe(true);
    expect((await l.hit({ limit: 1, windowMs: 60_000 })).allowed).toBe(true);
  });
});

describe("RateLimiter check and clear", () => {
  type Full = Limiter & { check: (input: unknown) => Promise<RateDecision>; clear: () => Promise<void> };
  const full = (name: string): Full => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name)) as unknown as Full;

  it("checks without counting, so only the events that are hit count", async () => {
    const l = full("test:e");
    for (let i = 0; i < 5; i++) expect((await l.check({ limit: 1, windowMs: 60_000 })).allowed).toBe(true);
    await l.hit({ limit: 1, windowMs: 60_000 });
    expect((await l.check({ limit: 1, windowMs: 60_000 })).allowed).toBe(false);
  });

  it("forgets every counted event when cleared", async () => {
    const l = full("test:f");
    await l.hit({ limit: 1, windowMs: 60_000 });
    await l.clear();
    expect((await l.check({ limit: 1, windowMs: 60_000 })).allowed).toBe(true);
  });
});

describe("RateLimiter quotas", () => {
  type Q = { count: (input: unknown) => Promise<RateDecision> };
  const quota = (name: string): Q => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name)) as unknown as Q;

  it("counts a fixed window with one counter and refuses past the quota until the window ends", async () => {
    const q = quota("quota:a");
    const rule = { limit: 2, windowMs: 86_400_000 };
    expect(await q.count(rule)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await q.count(rule)).toMatchObject({ allowed: true, remaining: 0 });
    const refused = await q.count(rule);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.retryAfterSeconds).toBeLessThanOrEqual(86_400);
  });
});
