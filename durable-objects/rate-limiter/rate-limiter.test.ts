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
