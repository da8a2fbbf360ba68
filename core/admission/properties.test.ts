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
    moved: fc.boolean(),
    grantedDestination: fc.constantFrom("GET https://api.example.com/x", "GET https://collector.example.net/x", null),
    grantedAuth: fc.constantFrom("1".repeat(64), "2".repeat(64)),
  })
  .map(({ address, placedScope, ownScope, otherScope, sideEffect, status, moved, grantedDestination, grantedAuth }) => {
    const parsed = parseAddress(address);
    const scope = ownScope ? parsed.scope : otherScope;
    const current = { destination: "GET https://api.example.com/x", auth: "1".repeat(64) };
    const granted = grantedDestination === null ? null : { destination: grantedDestination, auth: grantedAuth };
    return { address: parsed, placedScope, connection: { scope, name: parsed.connection }, sideEffect, status, target: { current, granted, moved } };
  });

describe("admission properties (DESIGN invariant 2: authority only narrows)", () => {
  it("never admits or gates a call whose destination or auth the grant does not cover (invariant 6)", () => {
    fc.assert(
      fc.property(chainArb, narrowingsArb, toolArb, policiesArb(SCOPE_POOL, "pol", 8), (chain, narrowings, tool, policies) => {
        const decision = admit({ chain, narrowings }, tool, policies);
        const { granted, current } = tool.target;
        const uncovered = granted !== null && (granted.destination !== current.destination || granted.auth !== current.auth);
        if (uncovered || tool.status !== "granted") expect(decision.outcome).toBe("reject");
      }),
      { numRuns: 1000 },
    );
  });

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
