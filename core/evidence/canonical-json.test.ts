import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { isDomainError } from "../errors";
import { SharedTexts, canonicalJson } from "./canonical-json";

function refusal(value: unknown): string | undefined {
  try {
    canonicalJson(value);
  } catch (e) {
    if (isDomainError(e, "not_canonicalizable")) return e.field;
    throw e;
  }
  throw new Error("expected the value to be refused");
}

describe("canonicalJson (RFC 8785)", () => {
  it("reproduces the RFC 8785 §3.2.2 example for numbers, strings and literals", () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it("sorts member names by UTF-16 code units as in RFC 8785 §3.2.3", () => {
    const input = {
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis",
    };
    // The RFC lists the values in the order the sorted members must come out in. Note the emoji (a
    // surrogate pair starting 0xD83D) sorts before U+FB33 by code unit, though after it by code point.
    const values = [...canonicalJson(input).matchAll(/:"([^"]*)"/g)].map((m) => m[1]);
    expect(values).toEqual([
      "Carriage Return",
      "One",
      "Control",
      "Latin Small Letter O With Diaeresis",
      "Euro Sign",
      "Emoji: Grinning Face",
      "Hebrew Letter Dalet With Dagesh",
    ]);
    expect(canonicalJson(input).startsWith('{"\\r":"Carriage Return","1":"One","\u0080":"Control"')).toBe(true);
  });

  it("emits no whitespace and sorts nested objects", () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: "x" })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
  });

  it("serializes -0 as 0 and omits undefined object members", () => {
    expect(canonicalJson({ z: -0, skip: undefined })).toBe('{"z":0}');
  });

  it("does not depend on the order keys were inserted in", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (dict) => {
        const reversed = Object.fromEntries(Object.entries(dict).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(dict));
      }),
    );
  });

  it("is a fixed point of parse-then-canonicalize and keeps the value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  it("refuses non-finite numbers, naming where they are", () => {
    expect(refusal({ a: [1, Number.NaN] })).toBe("$.a[1]");
    expect(refusal(Number.POSITIVE_INFINITY)).toBe("$");
  });

  it("refuses undefined in an array or at the top level, and holes in sparse arrays", () => {
    expect(refusal([1, undefined])).toBe("$[1]");
    expect(refusal(undefined)).toBe("$");
    // eslint-disable-next-line no-sparse-arrays
    expect(refusal([1, , 3])).toBe("$[1]");
  });

  it("refuses functions, symbols and bigints", () => {
    expect(refusal({ f: () => 1 })).toBe("$.f");
    expect(refusal(Symbol("s"))).toBe("$");
    expect(refusal({ n: 10n })).toBe("$.n");
  });

  it("refuses objects that are not plain, instead of hashing them as {}", () => {
    expect(refusal({ when: new Date(0) })).toBe("$.when");
    expect(refusal(new Map([["a", 1]]))).toBe("$");
  });

  it("refuses a reference cycle but accepts a shared, acyclic reference", () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(refusal(cyclic)).toBe("$.self");
  });

  describe("with SharedTexts", () => {
    it("gives the same text as without, for values sharing objects in any arrangement", () => {
      fc.assert(
        fc.property(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (parts, picks) => {
          // Values made of the same part objects, placed in different spots, canonicalized one after another.
          const values = picks.map((pick, i) => ({ [`k${i}`]: parts[pick % parts.length], nested: [parts[(pick + 1) % parts.length], { again: parts[pick % parts.length] }] }));
          const shared = new SharedTexts();
          for (const value of values) expect(canonicalJson(value, shared)).toBe(canonicalJson(value));
        }),
      );
    });

    it("still names where a refused value is, and still refuses a cycle", () => {
      const shared = new SharedTexts();
      const part = { ok: [1, 2] };
      expect(canonicalJson({ a: part, b: part }, shared)).toBe('{"a":{"ok":[1,2]},"b":{"ok":[1,2]}}');
      expect(() => canonicalJson({ c: part, d: [Number.NaN] }, shared)).toThrow("value at $.d[0] is NaN");
      const cyclic: Record<string, unknown> = { part };
      cyclic["self"] = cyclic;
      expect(() => canonicalJson(cyclic, shared)).toThrow("value at $.self is a reference cycle");
    });
  });
});
