import { describe, it, expect } from "vitest";
import fc from "fast-check";
import type { Narrowing } from "../../schemas/principal";
import type { Toolkit } from "../../schemas/toolkit";
import { ToolAddress } from "../../schemas/address";
import { addressArb, narrowingArb, narrowingsArb } from "../testing/fixtures";
import { excludingNarrowing, inToolset, scope, toolkitToNarrowing } from "./index";

const get = "github.org_acme.work.repos/get";
const del = "github.org_acme.work.repos/delete";
const chat = "slack.org_acme.work.chat.post";

const dev: Narrowing = { label: "org_acme/dev", tools: [chat], patterns: ["github.org_acme.*.repos/*"] };
const readOnly: Narrowing = { label: "org_acme/readonly", tools: [get], patterns: ["slack.*.*.*"] };

describe("inToolset", () => {
  it("admits everything in the whole scope (no narrowings)", () => {
    expect(inToolset([], del)).toBe(true);
  });

  it("admits an address explicitly selected or matched by a pattern", () => {
    expect(inToolset([dev], chat)).toBe(true);
    expect(inToolset([dev], del)).toBe(true);
    expect(inToolset([dev], "github.user_bob.work.repos/get")).toBe(false);
  });

  it("admits only what every narrowing admits", () => {
    expect(inToolset([dev, readOnly], get)).toBe(true);
    expect(inToolset([dev, readOnly], chat)).toBe(true);
    expect(inToolset([dev, readOnly], del)).toBe(false);
    expect(excludingNarrowing([dev, readOnly], del)?.label).toBe("org_acme/readonly");
  });
});

describe("toolkitToNarrowing", () => {
  it("carries the toolkit's selections and patterns, labelled by scope and slug", () => {
    const toolkit: Pick<Toolkit, "scope" | "slug" | "tools" | "patterns"> = {
      scope: "org_acme",
      slug: "dev",
      tools: [ToolAddress.parse(chat)],
      patterns: ["github.org_acme.*.repos/*"],
    };
    expect(toolkitToNarrowing(toolkit)).toEqual(dev);
  });
});

describe("scope", () => {
  it("never widens: narrowing a narrowed view by another toolkit keeps only the overlap", () => {
    const narrowed = scope([dev], readOnly);
    expect(narrowed).toEqual([dev, readOnly]);
    expect(inToolset(narrowed, del)).toBe(false);
  });

  it("does not repeat a narrowing already in force", () => {
    expect(scope([dev, readOnly], [readOnly, dev])).toEqual([dev, readOnly]);
  });
});

describe("toolset properties (DESIGN invariant 2: authority only narrows)", () => {
  it("admits through scope(A, B) only what both A and B admit, and everything they both admit", () => {
    fc.assert(
      fc.property(narrowingsArb, narrowingsArb, addressArb, (a, b, x) => {
        expect(inToolset(scope(a, b), x)).toBe(inToolset(a, x) && inToolset(b, x));
      }),
      { numRuns: 1000 },
    );
  });

  it("does not depend on the order of the narrowings", () => {
    const arb = narrowingsArb.chain((list) =>
      fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })),
    );
    fc.assert(
      fc.property(arb, addressArb, ([list, shuffled], x) => {
        expect(inToolset(shuffled, x)).toBe(inToolset(list, x));
      }),
      { numRuns: 1000 },
    );
  });

  it("is idempotent: narrowing by what is already in force changes nothing", () => {
    fc.assert(
      fc.property(narrowingsArb, narrowingArb, addressArb, (a, n, x) => {
        expect(inToolset(scope(a, a), x)).toBe(inToolset(a, x));
        expect(scope(scope(a, n), n)).toEqual(scope(a, n));
      }),
      { numRuns: 500 },
    );
  });
});
