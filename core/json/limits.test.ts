import { describe, expect, it } from "vitest";
import { deepestSurvivor } from "../testing/deep-json";
import { JSON_LIMITS } from "./limits";

describe("JSON depth limits", () => {
  it("keep every limit at a quarter or less of what the platform's recursive steps survive in Node", () => {
    const survives = deepestSurvivor(20_000);
    console.log(`node: zod z.json(), RFC 8785 hashing, JSON.stringify and structuredClone survive ${survives} levels`);
    for (const limit of Object.values(JSON_LIMITS)) expect(limit.depth * 4).toBeLessThanOrEqual(survives);
  });

  it("order the limits: requests are the shallowest, and an answer may nest as deep as its description", () => {
    expect(JSON_LIMITS.request.depth).toBeLessThan(JSON_LIMITS.document.depth);
    expect(JSON_LIMITS.document.depth).toBeLessThanOrEqual(JSON_LIMITS.upstream.depth);
  });
});
