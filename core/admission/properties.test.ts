import { describe, it, expect } from "vitest";
import fc from "fast-check";
import type { ToolStatus } from "../../schemas/tool";
import { parseAddress } from "../address";
import { addressArb, chainArb, narrowingsArb, policiesArb, SCOPE_POOL } from "../testing/fixtures";
import { inToolset } from "../toolset";
import { admit, outcomeRank, type AdmissibleTool } from "./index";

const toolArb: fc.Arbitrary<AdmissibleTool> = fc
  .record({
    address: addressArb,
    placedScope: fc.constantFrom(...SCOPE_POOL),
    ownScope: fc.boolean(),
    otherScope: fc.constantFrom(...SCOPE_POOL),
    sideEffect: fc.constantFrom("read" as const, "write" as const, "destructive" as const),
    status: fc.constantFrom<ToolStatus>("granted", "granted", "awaiting_review"),
  })
  .map(({ address, placedScope, ownScope, otherScope, sideEffect, status }) => {
    const parsed = parseAddress(address);
    const scope = ownScope ? parsed.scope : otherScope;
    return { address: parsed, placedScope, connection: { scope, name: parsed.connection }, sideEffect, status };
  });

describe("admission properties (DESIGN invariant 2: authority only narrows)", () => {
  it("is never more permissive for a narrowed principal than for the un-narrowed one", () => {
    fc.assert(
      fc.property(
        chainArb,
        narrowingsArb,
        toolArb,
        policiesArb(SCOPE_POOL, "pol", 8),
        (chain, narrowings, tool, policies) => {
          const whole = admit({ chain, narrowings: [] }, tool, policies);
          const narrowed = admit({ chain, narrowings }, tool, policies);
          expect(outcomeRank(narrowed.outcome)).toBeGreaterThanOrEqual(outcomeRank(whole.outcome));
          // Narrowing only adds the outside_toolkit refusal; otherwise the decision is unchanged.
          if (narrowed.reason.code !== "outside_toolkit") expect(narrowed).toEqual(whole);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("never lets a call outside the toolset through, whatever its side effect or policy", () => {
    fc.assert(
      fc.property(
        chainArb,
        narrowingsArb,
        toolArb,
        policiesArb(SCOPE_POOL, "pol", 8),
        (chain, narrowings, tool, policies) => {
          const decision = admit({ chain, narrowings }, tool, policies);
          if (!inToolset(narrowings, tool.address.address)) expect(decision.outcome).toBe("reject");
          if (decision.reason.code === "outside_toolkit") expect(inToolset(narrowings, tool.address.address)).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
