import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileLinear, MAX_PATTERN_LENGTH } from "./compile";
import type { LinearRegex } from "./compile";

function linear(pattern: string): LinearRegex {
  const compiled = compileLinear(pattern);
  if (!compiled.ok) throw new Error(`${pattern} was refused: ${compiled.reason}`);
  return compiled.regex;
}

/** Native and linear answers for each input, so a mismatch names the input. */
function both(pattern: string, inputs: readonly string[]): Array<[string, boolean, boolean]> {
  const native = new RegExp(pattern, "u");
  const re = linear(pattern);
  return inputs.map((input) => [input, native.test(input), re.test(input)]);
}

function expectSameAsNative(pattern: string, inputs: readonly string[]): void {
  for (const [input, native, ours] of both(pattern, inputs)) expect({ pattern, input, answer: ours }).toEqual({ pattern, input, answer: native });
}

describe("compileLinear: the ECMA-262 meaning of a JSON Schema pattern", () => {
  it("matches anywhere unless anchored, as RegExp.prototype.test does", () => {
    expectSameAsNative("^\\d{3}-\\d{4}$", ["555-1234", "5555-1234", "55-123", "x555-1234"]);
    expectSameAsNative("\\d{3}", ["ab123cd", "ab12cd"]);
    expectSameAsNative("^a|b$", ["xb", "ax", "xx"]);
    expectSameAsNative("", ["", "anything"]);
  });

  it("reads \\s and \\S as ECMA-262 WhiteSpace and LineTerminator, Unicode spaces included", () => {
    expectSameAsNative("^\\s+$", [" ", "\t\n\v\f\r", "\u00a0", "\u1680", "\u2003", "\u2028", "\u2029", "\u202f", "\u3000", "\ufeff", "a", "\u200b"]);
    expectSameAsNative("^\\S+$", ["ab", "a b", "\u00a0", "é"]);
    expectSameAsNative("^[\\s\\S]$", ["a", "\n", "\u00a0", "😀"]);
    expectSameAsNative("^[^\\S]$", [" ", "a", "\u3000"]);
    expectSameAsNative("^[a\\S]$", ["a", " ", "b", "\u2028"]);
    expectSameAsNative("^[^\\s]+$", ["abc", "a\u00a0b"]);
  });

  it("reads '.' as any code point but a line terminator, and [] / [^] as nothing / anything", () => {
    expectSameAsNative("^.$", ["a", "\n", "\r", "\u2028", "\u2029", "😀", "\u0085", ""]);
    expectSameAsNative("^.{2}$", ["😀😀", "ab", "a\n"]);
    expectSameAsNative("^[]$", ["", "a"]);
    expectSameAsNative("^[^]$", ["a", "\n", "😀"]);
  });

  it("keeps classes literal where RE2 would read them otherwise", () => {
    expectSameAsNative("^[\\[:alpha:\\]]+$", ["a", "[:", "alpha", "b"]);
    expectSameAsNative("^[\\-\\]]$", ["-", "]", "a"]);
    expectSameAsNative("^[a-z-]+$", ["a-b", "A"]);
    expectSameAsNative("^[-a]$", ["-", "a", "b"]);
    expectSameAsNative("^[\\b]$", ["\b", "b"]);
    expectSameAsNative("^[\\d\\W]+$", ["1!", "a"]);
    expectSameAsNative("^[^\\d]$", ["a", "1"]);
    expectSameAsNative("^[#$*+]$", ["#", "$", "x"]);
  });

  it("reads unicode escapes as JSON Schema writes them: \\u00e9, surrogate pairs, \\u{…}, \\x, \\c, \\0", () => {
    expectSameAsNative("^caf\\u00e9$", ["café", "cafe"]);
    expectSameAsNative("^\\uD83D\\uDE00$", ["😀", "\ud83d"]);
    expectSameAsNative("^\\u{1F600}$", ["😀"]);
    expectSameAsNative("^[\\u0041-\\u005A]+$", ["ABC", "abc"]);
    expectSameAsNative("^\\x41\\cJ\\0$", ["A\n\0", "A\n"]);
    expectSameAsNative("^a\\/b\\.c$", ["a/b.c", "a/bxc"]);
    expectSameAsNative("^😀+$", ["😀😀", "😀a"]);
  });

  it("reads Unicode property escapes in every ECMA-262 spelling", () => {
    expectSameAsNative("^\\p{L}+$", ["héllo", "h3"]);
    expectSameAsNative("^\\p{Letter}+$", ["héllo", "h3"]);
    expectSameAsNative("^\\p{gc=Lu}\\P{Lu}$", ["Ab", "AB"]);
    expectSameAsNative("^\\p{General_Category=Decimal_Number}+$", ["123", "١٢٣", "1a"]);
    expectSameAsNative("^\\p{Script=Greek}+$", ["αβ", "ab"]);
    expectSameAsNative("^\\p{ASCII}+$", ["abc", "é"]);
    expectSameAsNative("^\\P{ASCII}$", ["é", "e"]);
  });

  it("keeps groups, named groups, alternation and every quantifier form", () => {
    expectSameAsNative("^(?<year>\\d{4})-(?:\\d{2})$", ["2024-01", "24-01"]);
    expectSameAsNative("^a{2,3}?$", ["aa", "aaa", "aaaa"]);
    expectSameAsNative("^(ab|cd)*e+f?$", ["abcde", "e", "abf"]);
    expectSameAsNative("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$", ["a.b@example.com", "a@b", "@x.io"]);
    expectSameAsNative("# not a comment", ["# not a comment", "#"]);
  });

  it("agrees with the native engine on random patterns and inputs", () => {
    const atom = fc.oneof(
      fc.constantFrom("a", "b", " ", "é", "😀", "\\n", ".", "\\d", "\\w", "\\s", "\\S", "\\W", "\\D", "[ab]", "[^a]", "[\\s\\d]", "[a\\S]", "\\u00e9", "\\p{L}", "\\b", "-"),
    );
    const pattern = fc.letrec((tie) => ({
      term: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        atom,
        fc.tuple(tie("term"), fc.constantFrom("*", "+", "?", "{1,2}", "*?")).map(([t, q]) => `(?:${String(t)})${q}`),
        fc.tuple(tie("term"), tie("term")).map(([a, b]) => `${String(a)}${String(b)}`),
        fc.tuple(tie("term"), tie("term")).map(([a, b]) => `(${String(a)}|${String(b)})`),
      ),
    })).term;
    const anchored = fc.tuple(fc.boolean(), pattern, fc.boolean()).map(([s, p, e]) => `${s ? "^" : ""}${String(p)}${e ? "$" : ""}`);
    const input = fc.array(fc.constantFrom("a", "b", " ", "\n", "1", "é", "😀", "\u00a0", "-", "_"), { maxLength: 6 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(anchored, input, (p, s) => {
        expect({ p, s, answer: linear(p).test(s) }).toEqual({ p, s, answer: new RegExp(p, "u").test(s) });
      }),
      { numRuns: 3000 },
    );
  });
});

describe("compileLinear: linear time on the classic catastrophic patterns", () => {
  // A backtracking engine takes 2^n steps on each of these; the old validator stalled 1.7 s at n = 26.
  // The bound is generous: timing belongs in benchmarks, this only has to tell hours from milliseconds.
  const hostile: Array<[string, string]> = [
    ["^(a|a)+$", `${"a".repeat(5000)}!`],
    ["^(a+)+$", `${"a".repeat(5000)}!`],
    ["(x+x+)+y", "x".repeat(5000)],
    ["^((a*)*b)$", "a".repeat(5000)],
    ["^(\\w+\\s?)*$", `${"word ".repeat(1000)}!`],
    ["^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$", `${"a".repeat(5000)}!`],
    ["(.*a){12}", `${"a".repeat(11)}${"b".repeat(5000)}`],
  ];
  for (const [pattern, input] of hostile) {
    it(`answers ${pattern} against ${input.length} characters at once`, () => {
      const re = linear(pattern);
      const started = performance.now();
      expect(re.test(input)).toBe(false);
      expect(performance.now() - started).toBeLessThan(2000);
    });
  }
});

describe("compileLinear: what has no linear-time form is refused, not approximated", () => {
  it.each([
    ["(?=a)b", "a lookahead assertion"],
    ["^(?!admin).+$", "a lookahead assertion"],
    ["(?<=a)b", "a lookbehind assertion"],
    ["(?<!a)b", "a lookbehind assertion"],
    ["(a)\\1", "a backreference"],
    ["(?<n>a)\\k<n>", "a backreference"],
    ["a{1001}", "a repetition count above 1000"],
    ["[^a\\S]", "a negated class containing \\S"],
    ["\\uD800", "a lone surrogate"],
  ])("refuses %s (%s)", (pattern, reason) => {
    expect(compileLinear(pattern)).toEqual({ ok: false, kind: "unsupported", reason: `it uses ${reason}` });
  });

  it("refuses RE2's own limits and unknown properties as unsupported", () => {
    expect(compileLinear("((a{100}){100}){100}")).toMatchObject({ ok: false, kind: "unsupported" });
    expect(compileLinear("\\p{sc=Latn}")).toMatchObject({ ok: false, kind: "unsupported" });
    expect(compileLinear("a".repeat(MAX_PATTERN_LENGTH + 1))).toMatchObject({ ok: false, kind: "unsupported" });
  });

  it("calls a pattern that is not ECMA-262 at all invalid", () => {
    for (const pattern of ["(", "a**", "[z-a]", "\\", "[[:alpha:]]", "a{2"]) {
      expect(compileLinear(pattern)).toMatchObject({ ok: false, kind: "invalid" });
    }
  });

  it("never runs an inline modifier group, whether or not this engine's RegExp parses it", () => {
    expect(compileLinear("(?i:a)b")).toMatchObject({ ok: false });
  });
});
