import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../schemas";
import { PatternChecker } from "./schema";
import { patternNote, withEnforceablePatterns } from "./tool-note";

const LOOKAHEAD = "^(?=.*\\d).{8,}$";
const BACKREF = "^(a)\\1$";

function check(schema: JsonObject): ReturnType<PatternChecker["check"]> {
  return new PatternChecker().check(schema);
}

describe("PatternChecker: every pattern of an input schema, $defs included", () => {
  it("keeps patterns the linear engine runs and removes the ones it cannot, naming where they were", () => {
    const schema: JsonObject = {
      type: "object",
      properties: {
        id: { type: "string", pattern: "^[a-z]{3}-\\d+$" },
        password: { type: "string", pattern: LOOKAHEAD, minLength: 8 },
        tags: { type: "array", items: { type: "string", pattern: BACKREF } },
        nested: { allOf: [{ $ref: "#/$defs/Code" }, { not: { pattern: "(?<=x)y" } }] },
      },
      $defs: { Code: { type: "string", pattern: "(?!0)\\d+", maxLength: 4 } },
    };
    const { schema: out, dropped } = check(schema);
    expect(out).toEqual({
      type: "object",
      properties: {
        id: { type: "string", pattern: "^[a-z]{3}-\\d+$" },
        password: { type: "string", minLength: 8 },
        tags: { type: "array", items: { type: "string" } },
        nested: { allOf: [{ $ref: "#/$defs/Code" }, { not: {} }] },
      },
      $defs: { Code: { type: "string", maxLength: 4 } },
    });
    expect(dropped.map((d) => [d.at, d.pattern])).toEqual([
      ["/properties/password/pattern", LOOKAHEAD],
      ["/properties/tags/items/pattern", BACKREF],
      ["/properties/nested/allOf/1/not/pattern", "(?<=x)y"],
      ["/$defs/Code/pattern", "(?!0)\\d+"],
    ]);
    expect(dropped[0]?.reason).toBe("it uses a lookahead assertion");
  });

  it("reaches every subschema the validator can reach: unknown keywords, if/then/else, dependentSchemas, definitions", () => {
    const schema: JsonObject = {
      "x-vendor": { pattern: LOOKAHEAD },
      if: { pattern: LOOKAHEAD },
      then: { propertyNames: { pattern: LOOKAHEAD } },
      dependentSchemas: { a: { pattern: LOOKAHEAD } },
      definitions: { D: { prefixItems: [{ pattern: LOOKAHEAD }] } },
    };
    expect(check(schema).dropped.map((d) => d.at)).toEqual([
      "/x-vendor/pattern",
      "/if/pattern",
      "/then/propertyNames/pattern",
      "/dependentSchemas/a/pattern",
      "/definitions/D/prefixItems/0/pattern",
    ]);
  });

  it("never reads data keywords (enum, const, default, examples) as schemas", () => {
    const schema: JsonObject = {
      enum: [{ pattern: LOOKAHEAD }],
      const: { pattern: LOOKAHEAD },
      default: { pattern: LOOKAHEAD },
      examples: [{ pattern: LOOKAHEAD }],
      properties: { pattern: { type: "string" } },
    };
    const { schema: out, dropped } = check(schema);
    expect(dropped).toEqual([]);
    expect(out).toBe(schema);
  });

  it("keeps a pattern that is not ECMA-262 at all, so the call is refused as an invalid schema as before", () => {
    const schema: JsonObject = { type: "string", pattern: "(" };
    expect(check(schema)).toEqual({ schema, dropped: [] });
  });

  it("drops a patternProperties key and lets additionalProperties accept what its subschema accepted", () => {
    const schema: JsonObject = {
      type: "object",
      patternProperties: { "^x-": { type: "string" }, "^(?!internal)": { type: "integer" } },
      additionalProperties: false,
    };
    const { schema: out, dropped } = check(schema);
    expect(out).toEqual({
      type: "object",
      patternProperties: { "^x-": { type: "string" } },
      additionalProperties: { anyOf: [{ type: "integer" }, false] },
    });
    expect(dropped).toEqual([
      { at: "/patternProperties/^(?!internal)", keyword: "patternProperties", pattern: "^(?!internal)", reason: "it uses a lookahead assertion" },
    ]);
    const alone = check({ patternProperties: { "(?=a)": { type: "string" } }, unevaluatedProperties: { type: "boolean" } }).schema;
    expect(alone).toEqual({ unevaluatedProperties: { anyOf: [{ type: "string" }, { type: "boolean" }] } });
  });

  it("never mutates its input and walks a schema shared by many tools once, returning unchanged nodes as they are", () => {
    const shared: JsonObject = { type: "string", pattern: LOOKAHEAD };
    const plain: JsonObject = { type: "string", pattern: "^a$" };
    const before = JSON.stringify(shared);
    const checker = new PatternChecker();
    const one = checker.check({ properties: { a: shared, b: plain } });
    const two = checker.check({ $defs: { S: shared } });
    expect(JSON.stringify(shared)).toBe(before);
    expect((one.schema.properties as JsonObject).b).toBe(plain);
    expect((one.schema.properties as JsonObject).a).toBe((two.schema.$defs as JsonObject).S);
    expect(two.dropped.map((d) => d.at)).toEqual(["/$defs/S/pattern"]);
  });

  it("escapes JSON Pointer tokens (RFC 6901) in where it reports a pattern", () => {
    const { dropped } = check({ properties: { "a/b~c": { pattern: LOOKAHEAD } } });
    expect(dropped[0]?.at).toBe("/properties/a~1b~0c/pattern");
  });
});

describe("withEnforceablePatterns: the tool says what is not checked", () => {
  const tool = (description: string, inputSchema?: JsonObject): { name: string; description: string; inputSchema?: JsonObject; hash: string } => ({
    name: "t",
    description,
    hash: "a".repeat(64),
    ...(inputSchema ? { inputSchema } : {}),
  });

  it("adds a note naming each dropped pattern, where it was and why, and keeps the plugin's hash", () => {
    const [out] = withEnforceablePatterns([tool("Create a user.", { properties: { password: { type: "string", pattern: LOOKAHEAD } } })]);
    expect(out?.hash).toBe("a".repeat(64));
    expect(out?.inputSchema).toEqual({ properties: { password: { type: "string" } } });
    expect(out?.description).toMatch(/^Create a user\.\n\nNot checked by Executor: 1 pattern of this tool's input schema/);
    expect(out?.description).toContain(`pattern "^(?=.*\\\\d).{8,}$" at /properties/password (it uses a lookahead assertion)`);
    expect(out?.description).toContain("Every other keyword of the schema is still checked.");
  });

  it("returns tools without dropped patterns untouched", () => {
    const tools = [tool("a", { pattern: "^a$" }), tool("b")];
    const out = withEnforceablePatterns(tools);
    expect(out[0]).toBe(tools[0]);
    expect(out[1]).toBe(tools[1]);
  });

  it("keeps the description within the 4,096 characters a tool may have", () => {
    const patterns = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, { pattern: `(?=${"x".repeat(200)}${i})` }]));
    const [out] = withEnforceablePatterns([tool("d".repeat(4096), { properties: patterns })]);
    expect(out?.description.length).toBeLessThanOrEqual(4096);
    expect(out?.description).toContain("; and 35 more.");
    expect(out?.description).toContain("Not checked by Executor: 40 patterns");
  });

  it("shows upstream text in the note as printable ASCII only", () => {
    const note = patternNote([{ at: "/properties/a\u202e/pattern", keyword: "pattern", pattern: "(?=\u202e\u0000)", reason: "it uses a lookahead assertion" }]);
    expect(note).toContain('"(?=\\u202e\\u0000)" at /properties/a\\u202e ');
    expect(note).not.toMatch(/[^\x20-\x7e]/);
  });
});
