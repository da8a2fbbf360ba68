import { describe, expect, it } from "vitest";
import { schemaToType } from "./declarations";
import { TypeNames } from "./names";
import { snippetErrors } from "./testing/compile";

function typeOf(schema: unknown): string {
  return schemaToType(schema, { names: new TypeNames() });
}

/** Declares `type T = <schema>` and checks `checks` (statements using T) with the real compiler. */
function errorsUsing(schema: unknown, checks: string): string[] {
  const names = new TypeNames();
  const type = schemaToType(schema, { names });
  return snippetErrors(`type T = ${type};\n${names.printAll()}\n${checks}\n`);
}

describe("schemaToType: JSON Schema keywords as TypeScript", () => {
  it("maps primitive types, integer to number, and a type array to a union", () => {
    expect(typeOf({ type: "string" })).toBe("string");
    expect(typeOf({ type: "integer" })).toBe("number");
    expect(typeOf({ type: ["string", "null"] })).toBe("string | null");
    expect(typeOf({ type: ["number", "integer", "boolean"] })).toBe("number | boolean");
    expect(typeOf({ type: "file" })).toBe('unknown /* type "file" */');
  });

  it("treats true and {} as unknown and false as never", () => {
    expect(typeOf(true)).toBe("unknown");
    expect(typeOf({})).toBe("unknown");
    expect(typeOf(false)).toBe("never");
    expect(typeOf({ type: "object", properties: { gone: false } })).toBe("{\n  gone?: never;\n}");
  });

  it("adds null for OpenAPI 3.0 nullable, on a $ref wrapped in allOf too", () => {
    expect(typeOf({ type: "string", nullable: true })).toBe("string | null");
    const schema = { allOf: [{ $ref: "#/definitions/Pet" }], nullable: true, definitions: { Pet: { type: "string" } } };
    expect(typeOf(schema)).toBe("Pet | null");
  });

  it("turns enum and const into literal types, of mixed types too", () => {
    expect(typeOf({ enum: ["a", 1, -2.5, true, null] })).toBe('"a" | 1 | -2.5 | true | null');
    expect(typeOf({ const: "fixed" })).toBe('"fixed"');
    expect(typeOf({ enum: [{ k: [1, "x"] }] })).toBe('{\n  k: [1, "x"];\n}');
    expect(typeOf({ enum: ['quote " and \\ and \u2028'] })).toBe('"quote \\" and \\\\ and \\u2028"');
    expect(typeOf({ enum: [] })).toBe("never");
  });

  it("drops enum values the declared type excludes (both keywords apply)", () => {
    expect(typeOf({ type: "string", enum: ["a", 1, null] })).toBe('"a"');
    expect(typeOf({ type: "integer", enum: [1, 1.5, "1"] })).toBe("1");
    expect(typeOf({ type: "string", nullable: true, enum: ["a", null] })).toBe('"a" | null');
  });

  it("makes properties optional unless required, and types a required name without a schema as unknown", () => {
    const schema = { type: "object", properties: { id: { type: "integer" }, note: { type: "string" } }, required: ["id", "extra"] };
    expect(typeOf(schema)).toBe("{\n  id: number;\n  note?: string;\n  extra: unknown;\n}");
    expect(errorsUsing(schema, 'const ok: T = { id: 1, extra: 0 };\n// @ts-expect-error id is required\nconst bad: T = { extra: 0 };')).toEqual([]);
  });

  it("quotes property names that are not identifiers and keeps reserved words bare", () => {
    // Parsed, as schemas arrive: an object literal would make `__proto__` the prototype, not a member.
    const schema: unknown = JSON.parse('{"type":"object","properties":{"a-b":{},"1x":{},"":{},"default":{},"$ok":{},"x\\"y":{},"__proto__":{}}}');
    expect(typeOf(schema)).toBe('{\n  "a-b"?: unknown;\n  "1x"?: unknown;\n  ""?: unknown;\n  default?: unknown;\n  $ok?: unknown;\n  "x\\"y"?: unknown;\n  __proto__?: unknown;\n}');
    expect(errorsUsing(schema, 'const ok: T = { "a-b": 1, default: 2, "x\\"y": 3 };')).toEqual([]);
  });

  it("infers an object from object keywords and an array from array keywords when type is absent", () => {
    expect(typeOf({ properties: { a: { type: "string" } } })).toBe("{\n  a?: string;\n}");
    expect(typeOf({ items: { type: "number" } })).toBe("number[]");
    expect(typeOf({ type: "object" })).toBe("{\n  [key: string]: unknown;\n}");
    expect(typeOf({ type: "array" })).toBe("unknown[]");
  });
});

describe("schemaToType: index signatures", () => {
  it("writes an additionalProperties schema as the index signature of an object without members", () => {
    expect(typeOf({ type: "object", additionalProperties: { type: "number" } })).toBe("{\n  [key: string]: number;\n}");
  });

  it("widens a typed index to cover the members, so every valid value compiles (TS2411)", () => {
    const schema = { type: "object", properties: { name: { type: "string" }, tag: { $ref: "#/$defs/Tag" } }, required: ["name"], additionalProperties: { type: "number" }, $defs: { Tag: { enum: ["a", "b"] } } };
    expect(typeOf(schema)).toBe("{\n  name: string;\n  tag?: Tag;\n  [key: string]: number | string | Tag | undefined;\n}");
    const checks = 'const ok: T = { name: "n", tag: "a", retries: 3 };\n// @ts-expect-error other keys hold numbers\nconst bad: T = { name: "n", retries: {} };';
    expect(errorsUsing(schema, checks)).toEqual([]);
  });

  it("falls back to an unknown index beside members too large to repeat in it", () => {
    const schema = { properties: { nested: { properties: { a: { type: "string" } } } }, additionalProperties: { type: "number" } };
    expect(typeOf(schema)).toBe("{\n  nested?: {\n    a?: string;\n  };\n  [key: string]: unknown;\n}");
  });

  it("adds an unknown index for additionalProperties true beside members, and none when it is absent", () => {
    expect(typeOf({ properties: { a: {} }, additionalProperties: true })).toBe("{\n  a?: unknown;\n  [key: string]: unknown;\n}");
    expect(typeOf({ properties: { a: {} } })).toBe("{\n  a?: unknown;\n}");
  });

  it("closes an object with additionalProperties false: with no members only {} fits", () => {
    const schema = { type: "object", additionalProperties: false };
    expect(typeOf(schema)).toBe("{\n  [key: string]: never;\n}");
    expect(errorsUsing(schema, "const ok: T = {};\n// @ts-expect-error no member is allowed\nconst bad: T = { a: 1 };")).toEqual([]);
    expect(typeOf({ properties: { a: { type: "string" } }, additionalProperties: false })).toBe("{\n  a?: string;\n}");
  });

  it("writes patternProperties as an index signature naming the patterns in its JSDoc", () => {
    const schema = { type: "object", patternProperties: { "^x-": { type: "string" }, "^n-": { type: "number" } }, additionalProperties: false };
    expect(typeOf(schema)).toBe("{\n  /**\n   * Keys matching /^x-/\n   * Keys matching /^n-/\n   */\n  [key: string]: string | number;\n}");
    expect(typeOf({ patternProperties: { "a*/b": { type: "string" } } })).toContain("Keys matching /a*\\/b/");
  });
});

describe("schemaToType: arrays and tuples", () => {
  it("writes items as an array, parenthesizing a union element", () => {
    expect(typeOf({ type: "array", items: { type: ["string", "number"] } })).toBe("(string | number)[]");
    expect(typeOf({ type: "array", items: false })).toBe("never[]");
  });

  it("writes 2020-12 prefixItems as a tuple, optional past minItems, items as its rest", () => {
    expect(typeOf({ prefixItems: [{ type: "string" }, { type: "number" }], items: false, minItems: 1 })).toBe("[string, number?]");
    expect(typeOf({ prefixItems: [{ type: "string" }], items: { type: "boolean" }, minItems: 1 })).toBe("[string, ...boolean[]]");
    expect(typeOf({ prefixItems: [{ type: "string" }] })).toBe("[string?, ...unknown[]]");
  });

  it("writes a draft-07 items array as a tuple and additionalItems as its rest", () => {
    expect(typeOf({ items: [{ type: "string" }, { type: "null" }], additionalItems: false, minItems: 2 })).toBe("[string, null]");
    expect(typeOf({ items: [{ type: "string" }], additionalItems: { type: ["boolean", "null"] } })).toBe("[string?, ...(boolean | null)[]]");
    const errors = errorsUsing({ items: [{ type: "string" }, { type: "number" }], minItems: 1 }, 'const a: T = ["x"];\nconst b: T = ["x", 1, {}];\n// @ts-expect-error the first element is a string\nconst c: T = [1];');
    expect(errors).toEqual([]);
  });
});

describe("schemaToType: combinators", () => {
  it("writes oneOf and anyOf as unions and allOf as an intersection", () => {
    expect(typeOf({ oneOf: [{ type: "string" }, { type: "integer" }] })).toBe("string | number");
    expect(typeOf({ anyOf: [{ type: "string" }, { type: "null" }] })).toBe("string | null");
    expect(typeOf({ allOf: [{ properties: { a: { type: "string" } } }, { properties: { b: { type: "number" } } }] })).toBe("{\n  a?: string;\n} & {\n  b?: number;\n}");
  });

  it("discriminates a oneOf of objects by their const members", () => {
    const schema = {
      oneOf: [
        { type: "object", properties: { kind: { const: "circle" }, r: { type: "number" } }, required: ["kind", "r"] },
        { type: "object", properties: { kind: { const: "square" }, side: { type: "number" } }, required: ["kind", "side"] },
      ],
    };
    const checks = 'const c: T = { kind: "circle", r: 1 };\n// @ts-expect-error a square has a side\nconst s: T = { kind: "square", r: 1 };\ndeclare const t: T;\nif (t.kind === "square") { const side: number = t.side; }';
    expect(errorsUsing(schema, checks)).toEqual([]);
  });

  it("leaves out a bare type object beside oneOf, and keeps a typed base as an intersection", () => {
    expect(typeOf({ type: "object", oneOf: [{ required: ["a"] }, { required: ["b"] }] })).toBe("{\n  a: unknown;\n} | {\n  b: unknown;\n}");
    expect(typeOf({ type: "string", anyOf: [{ format: "date" }, { format: "date-time" }] })).toBe("string");
    expect(typeOf({ properties: { a: { type: "string" } }, allOf: [{ $ref: "#/$defs/B" }], $defs: { B: { type: "object" } } })).toBe("{\n  a?: string;\n} & B");
  });

  it("says nothing for keywords TypeScript cannot express", () => {
    expect(typeOf({ not: { type: "string" } })).toBe("unknown");
    expect(typeOf({ type: "string", pattern: "^a", minLength: 2 })).toBe("string");
  });
});

describe("schemaToType: JSDoc", () => {
  it("keeps description, format, default and deprecated on a property", () => {
    const schema = { properties: { at: { type: "string", description: "When it happened.", format: "date-time", default: "now", deprecated: true } } };
    expect(typeOf(schema)).toBe('{\n  /**\n   * When it happened.\n   * @format date-time\n   * @default "now"\n   * @deprecated\n   */\n  at?: string;\n}');
  });

  it("uses the title when there is no description, and keeps a short one on one line", () => {
    expect(typeOf({ properties: { a: { title: "The A", type: "string" } } })).toBe("{\n  /** The A */\n  a?: string;\n}");
  });

  it("caps a long description", () => {
    const names = new TypeNames({ limits: { maxDocChars: 20 } });
    const type = schemaToType({ properties: { a: { description: "x".repeat(100) } } }, { names });
    expect(type).toContain(`/** ${"x".repeat(19)}… */`);
  });
});

describe("schemaToType: nesting", () => {
  it("cuts inline nesting deeper than maxDepth to unknown with a note", () => {
    let schema: unknown = { type: "string" };
    for (let i = 0; i < 10; i++) schema = { type: "array", items: schema };
    const type = schemaToType(schema, { names: new TypeNames({ limits: { maxDepth: 4 } }) });
    expect(type).toBe("unknown /* nested deeper than 4 levels */[][][][][]");
  });
});
