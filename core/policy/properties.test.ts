import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { chainIds } from "../scope";
import { chainArb, policiesArb, SCOPE_POOL, toolArb } from "../testing/fixtures";
import { resolvePolicy, restrictiveness } from "./index";

/** A chain cut in two: outer scopes [0, cut) and inner scopes [cut, length). */
const splitChainArb = chainArb
  .filter((chain) => chain.length >= 2)
  .chain((chain) => fc.record({ chain: fc.constant(chain), cut: fc.integer({ min: 1, max: chain.length - 1 }) }));

describe("resolvePolicy properties (DESIGN §3)", () => {
  it("never lets inner-scope policies make the result less restrictive than an outer policy's", () => {
    const arb = splitChainArb.chain(({ chain, cut }) => {
      const ids = chainIds(chain);
      return fc.record({
        chain: fc.constant(chain),
        outer: policiesArb(ids.slice(0, cut), "out"),
        inner: policiesArb(ids.slice(cut), "inn"),
        tool: toolArb,
      });
    });
    let exercised = 0;
    fc.assert(
      fc.property(arb, ({ chain, outer, inner, tool }) => {
        const outerOnly = resolvePolicy({ chain, policies: outer, tool });
        const combined = resolvePolicy({ chain, policies: [...outer, ...inner], tool });
        if (outerOnly.rule.kind !== "policy") return; // only an explicit outer policy binds inner scopes
        if (outerOnly.action !== "approve") exercised++;
        expect(restrictiveness(combined.action)).toBeGreaterThanOrEqual(restrictiveness(outerOnly.action));
        // An inner scope at the same level of restriction cannot take over the outer authority either.
        if (combined.action === outerOnly.action) expect(combined.decidingScope).toBe(outerOnly.decidingScope);
      }),
      { numRuns: 1000 },
    );
    expect(exercised).toBeGreaterThan(50);
  });

  it("never lets policies placed inside the source's scope weaken the plugin default", () => {
    const arb = splitChainArb.chain(({ chain, cut }) => {
      const ids = chainIds(chain);
      return fc.record({
        chain: fc.constant(chain),
        // The source sits at the cut's outer edge; only scopes inside it carry policies.
        placement: fc.constant(ids[cut - 1] as string),
        inner: policiesArb(ids.slice(cut), "inn"),
        tool: toolArb,
      });
    });
    fc.assert(
      fc.property(arb, ({ chain, placement, inner, tool }) => {
        const placed = { ...tool, scope: placement };
        const alone = resolvePolicy({ chain, policies: [], tool: placed });
        const combined = resolvePolicy({ chain, policies: inner, tool: placed });
        expect(restrictiveness(combined.action)).toBeGreaterThanOrEqual(restrictiveness(alone.action));
      }),
      { numRuns: 1000 },
    );
  });

  it("does not depend on the order of the policies array", () => {
    const arb = fc
      .record({ chain: chainArb, policies: policiesArb(SCOPE_POOL, "pol", 10), tool: toolArb })
      .chain((input) =>
        fc.record({
          input: fc.constant(input),
          shuffled: fc.shuffledSubarray(input.policies, {
            minLength: input.policies.length,
            maxLength: input.policies.length,
          }),
        }),
      );
    fc.assert(
      fc.property(arb, ({ input, shuffled }) => {
        expect(resolvePolicy({ ...input, policies: shuffled })).toEqual(resolvePolicy(input));
      }),
      { numRuns: 1000 },
    );
  });

  it("ignores policies placed in scopes outside the chain", () => {
    const arb = chainArb.chain((chain) => {
      const outside = SCOPE_POOL.filter((id) => !chainIds(chain).includes(id));
      return fc.record({
        chain: fc.constant(chain),
        held: policiesArb(chainIds(chain), "hld"),
        foreign: outside.length > 0 ? policiesArb(outside, "frn") : fc.constant([]),
        tool: toolArb,
      });
    });
    fc.assert(
      fc.property(arb, ({ chain, held, foreign, tool }) => {
        const without = resolvePolicy({ chain, policies: held, tool });
        expect(resolvePolicy({ chain, policies: [...foreign, ...held], tool })).toEqual(without);
      }),
      { numRuns: 1000 },
    );
  });

  it("is never less restrictive than any single scope's own decision", () => {
    fc.assert(
      fc.property(chainArb, policiesArb(SCOPE_POOL, "pol", 10), toolArb, (chain, policies, tool) => {
        const all = resolvePolicy({ chain, policies, tool });
        for (const id of chainIds(chain)) {
          const alone = resolvePolicy({ chain, policies: policies.filter((p) => p.scope === id), tool });
          if (alone.rule.kind === "policy") {
            expect(restrictiveness(all.action)).toBeGreaterThanOrEqual(restrictiveness(alone.action));
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
