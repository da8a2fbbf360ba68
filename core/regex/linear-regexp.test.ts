import { describe, expect, it } from "vitest";
import { isDomainError } from "../errors";
import { withLinearRegExp } from "./linear-regexp";

/** What code running inside the callback sees as the global RegExp (as a validator's `new RegExp` does). */
const globalRegExp = (): RegExpConstructor => (globalThis as { RegExp: RegExpConstructor }).RegExp;

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("withLinearRegExp", () => {
  it("answers `new RegExp(p, 'u').test(s)` with the linear engine inside the call, and restores the native one after", () => {
    const native = RegExp;
    const result = withLinearRegExp(() => {
      const Inside = globalRegExp();
      expect(Inside).not.toBe(native);
      const re = new Inside("^(a|a)+$", "u");
      const started = performance.now();
      const answer = re.test(`${"a".repeat(40)}!`);
      return { answer, ms: performance.now() - started, match: new Inside("^caf\\u00e9$", "u").test("café") };
    });
    expect(result.answer).toBe(false);
    expect(result.ms).toBeLessThan(2000);
    expect(result.match).toBe(true);
    expect(globalRegExp()).toBe(native);
  });

  it("restores the native RegExp when the callback throws", () => {
    const native = RegExp;
    expect(() =>
      withLinearRegExp(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(globalRegExp()).toBe(native);
  });

  it("leaves regex literals on the native engine (they never read the global)", () => {
    expect(withLinearRegExp(() => /(?=a)a/.test("a"))).toBe(true);
  });

  it("throws the native SyntaxError for a malformed pattern, as `format: \"regex\"` checks expect", () => {
    const error = thrown(() => withLinearRegExp(() => new (globalRegExp())("(", "u")));
    expect(error).toBeInstanceOf(SyntaxError);
    // A valid pattern the linear engine cannot run still constructs: only testing it is refused.
    expect(() => withLinearRegExp(() => new (globalRegExp())("(?=a)", "u"))).not.toThrow();
  });

  it("refuses to test a pattern only a backtracking engine could run, rather than falling back", () => {
    const error = thrown(() => withLinearRegExp(() => new (globalRegExp())("^(?!admin)", "u").test("root")));
    expect(isDomainError(error, "uncheckable_pattern")).toBe(true);
  });

  it("refuses flags other than u: the translation assumes Unicode patterns", () => {
    const error = thrown(() => withLinearRegExp(() => new (globalRegExp())("a", "i")));
    expect(isDomainError(error, "uncheckable_pattern")).toBe(true);
  });

  it("bounds the work of one call: program size × characters, summed over every test", () => {
    const long = "a".repeat(100_000);
    expect(withLinearRegExp(() => new (globalRegExp())("^a+$", "u").test(long), 1_000_000)).toBe(true);
    const error = thrown(() =>
      withLinearRegExp(() => {
        const re = new (globalRegExp())("^a+$", "u");
        for (let i = 0; i < 10; i++) re.test(long);
      }, 1_000_000),
    );
    expect(isDomainError(error, "pattern_work_limit")).toBe(true);
    // Each call has its own budget.
    expect(withLinearRegExp(() => new (globalRegExp())("^a+$", "u").test(long), 1_000_000)).toBe(true);
  });

  it("refuses an asynchronous callback, whose work would outlive the swap", () => {
    const native = RegExp;
    expect(() => withLinearRegExp(async () => 1)).toThrow(TypeError);
    expect(globalRegExp()).toBe(native);
  });
});
