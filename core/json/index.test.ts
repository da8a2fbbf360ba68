import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nestedArraysText as nestedArrays, nestedObjectsText as nestedObjects } from "../testing/deep-json";
import { breachMessage, parseJson, scanJsonText, scanJsonValue } from "./index";

const roomy = 1_000_000_000;
const depthOnly = (depth: number): { depth: number; values: number } => ({ depth, values: roomy });
const valuesOnly = (values: number): { depth: number; values: number } => ({ depth: roomy, values });

/** The reference definitions, recursive: only ever called on small values. */
function depthOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}
function valuesOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 1;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce((sum: number, c) => sum + valuesOf(c), 0);
}
function emptyContainersOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return (children.length === 0 ? 1 : 0) + children.reduce((sum: number, c) => sum + emptyContainersOf(c), 0);
}

/** JSON values whose strings and keys are full of brackets, commas, quotes and backslashes. */
const trickyJson = fc.letrec((tie) => {
  const tricky = fc.oneof(fc.constantFrom("[", "]", "{", "}", ",", '\\"[', '"', "\\", "\\\\"), fc.string());
  return {
    node: fc.oneof(
      { maxDepth: 5, depthSize: "small" },
      tricky,
      fc.integer(),
      fc.array(tie("node"), { maxLength: 3 }),
      fc.dictionary(tricky, tie("node"), { maxKeys: 3 }),
    ),
  };
}).node;

describe("scanJsonValue", () => {
  it("counts arrays and objects as depth, not scalars", () => {
    expect(scanJsonValue(1, depthOnly(0))).toBeNull();
    expect(scanJsonValue(null, depthOnly(0))).toBeNull();
    expect(scanJsonValue([], depthOnly(0))).toEqual({ limit: "depth", max: 0 });
    expect(scanJsonValue({ a: [1, { b: 2 }] }, depthOnly(3))).toBeNull();
    expect(scanJsonValue({ a: [1, { b: 2 }] }, depthOnly(2))).toEqual({ limit: "depth", max: 2 });
  });

  it("finds the one deep branch among many shallow ones", () => {
    const value = { wide: Array.from({ length: 1000 }, (_, i) => ({ i })), deep: JSON.parse(nestedArrays(10)) as unknown };
    expect(scanJsonValue(value, depthOnly(11))).toBeNull();
    expect(scanJsonValue(value, depthOnly(10))).toEqual({ limit: "depth", max: 10 });
  });

  it("checks a value nested 100,000 deep without overflowing the stack", () => {
    const deep = JSON.parse(nestedObjects(100_000)) as unknown;
    expect(scanJsonValue(deep, depthOnly(64))).toEqual({ limit: "depth", max: 64 });
    expect(scanJsonValue(deep, depthOnly(100_000))).toBeNull();
  });

  it("ends on a cycle, reporting it as too deep", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(scanJsonValue(cycle, { depth: 64, values: roomy })).toEqual({ limit: "depth", max: 64 });
  });

  it("counts a wide value's values and stops at the budget", () => {
    const wide = Array.from({ length: 10 }, () => ({}));
    expect(scanJsonValue(wide, valuesOnly(11))).toBeNull();
    expect(scanJsonValue(wide, valuesOnly(10))).toEqual({ limit: "values", max: 10 });
  });

  it("agrees with the recursive definitions on any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 40 }), (value, depth, values) => {
        const breach = scanJsonValue(value, { depth, values });
        const deep = depthOf(value) > depth;
        const many = valuesOf(value) > values;
        expect(breach === null).toBe(!deep && !many);
        if (breach !== null && !many) expect(breach.limit).toBe("depth");
        if (breach !== null && !deep) expect(breach.limit).toBe("values");
      }),
    );
  });
});

describe("scanJsonText", () => {
  it("agrees with the parsed value's depth on any JSON text, brackets in strings included", () => {
    fc.assert(
      fc.property(trickyJson, fc.integer({ min: 0, max: 8 }), (v, limit) => {
        expect(scanJsonText(JSON.stringify(v), depthOnly(limit)) === null).toBe(depthOf(v) <= limit);
      }),
    );
  });

  it("counts values as the value's own count plus its empty arrays and objects, never fewer", () => {
    fc.assert(
      fc.property(trickyJson, (v) => {
        const counted = valuesOf(v) + emptyContainersOf(v);
        const text = JSON.stringify(v);
        expect(scanJsonText(text, valuesOnly(counted))).toBeNull();
        expect(scanJsonText(text, valuesOnly(counted - 1))).toEqual({ limit: "values", max: counted - 1 });
      }),
    );
  });

  it("ends strings exactly where a character-by-character scan does, on any text", () => {
    // The reference: inside a string a backslash escapes the next character, and a quote ends it.
    const reference = (text: string, limits: { depth: number; values: number }): ReturnType<typeof scanJsonText> => {
      let depth = 0;
      let values = 1;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '"') {
          for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
        } else if (c === "{" || c === "[") {
          if (++depth > limits.depth) return { limit: "depth", max: limits.depth };
          if (++values > limits.values) return { limit: "values", max: limits.values };
        } else if (c === "}" || c === "]") depth--;
        else if (c === ",") {
          if (++values > limits.values) return { limit: "values", max: limits.values };
        }
      }
      return null;
    };
    const text = fc.array(fc.constantFrom('"', "\\", "[", "]", "{", "}", ",", "a"), { maxLength: 60 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 8 }), (t, depth, values) => {
        expect(scanJsonText(t, { depth, values })).toEqual(reference(t, { depth, values }));
      }),
      { numRuns: 2000 },
    );
  });

  it("scans text nested 100,000 deep, and stops at the limit", () => {
    expect(scanJsonText(nestedArrays(100_000), depthOnly(64))).toEqual({ limit: "depth", max: 64 });
    expect(scanJsonText(nestedArrays(64), depthOnly(64))).toBeNull();
    expect(scanJsonText(nestedArrays(65), depthOnly(64))).toEqual({ limit: "depth", max: 64 });
  });

  it("refuses a shallow but wide text by its values: the twentyfold heap of [{},{},…]", () => {
    const wide = `[${"{},".repeat(300_000)}{}]`;
    expect(scanJsonText(wide, { depth: 64, values: 250_000 })).toEqual({ limit: "values", max: 250_000 });
  });
});

describe("parseJson", () => {
  it("parses JSON within the limits", () => {
    expect(parseJson('{"a":[1,"x"]}', { depth: 2, values: 10 })).toEqual({ ok: true, value: { a: [1, "x"] } });
  });

  it("refuses text past a limit before parsing it", () => {
    expect(parseJson(nestedObjects(100_000), depthOnly(64))).toEqual({ ok: false, reason: "limit", breach: { limit: "depth", max: 64 } });
    expect(parseJson(nestedObjects(65), depthOnly(64)).ok).toBe(false);
    expect(parseJson(nestedObjects(64), depthOnly(64)).ok).toBe(true);
    expect(parseJson("[1,2,3]", valuesOnly(3))).toEqual({ ok: false, reason: "limit", breach: { limit: "values", max: 3 } });
  });

  it("reports text that is not JSON as a syntax failure", () => {
    const parsed = parseJson("{ not json", depthOnly(64));
    expect(parsed.ok === false && parsed.reason).toBe("syntax");
  });

  it("words every refusal the same way, naming the limit", () => {
    expect(breachMessage("the request body", { limit: "depth", max: 64 })).toBe("the request body nests deeper than 64 levels of arrays and objects");
    expect(breachMessage("the answer", { limit: "values", max: 10 })).toBe("the answer holds more than 10 JSON values");
  });
});
