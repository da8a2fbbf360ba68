import { describe, expect, it } from "vitest";
import { declarationsFor, schemaToType } from "./declarations";
import { TYPESCRIPT_LIMITS } from "./limits";
import { TypeNames } from "./names";
import { snippetErrors } from "./testing/compile";

const { maxChars } = TYPESCRIPT_LIMITS;

/** `count` properties, each documented at length. */
function wide(count: number): object {
  const properties = Object.fromEntries(Array.from({ length: count }, (_, i) => [`field_${i}`, { type: "string", description: "d".repeat(200) }]));
  return { type: "object", properties };
}

/** `count` definitions, each referring to the next: a long chain of named types. */
function chain(count: number): object {
  const $defs = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`def${i}`, { type: "object", description: "x".repeat(100), properties: { next: { $ref: `#/$defs/def${i + 1}` }, id: { type: "integer" } } }]),
  );
  return { $ref: "#/$defs/def0", $defs };
}

describe("bounds on generated declarations (DESIGN invariant 10)", () => {
  it("keeps a tool with 20,000 properties within maxChars per side and says what it left out", () => {
    const tool = declarationsFor({ name: "huge", inputSchema: wide(20_000), outputSchema: wide(20_000) });
    expect(tool.truncated).toBe(true);
    expect(tool.input.length).toBeLessThanOrEqual(maxChars);
    expect(tool.output.length).toBeLessThanOrEqual(maxChars);
    expect(tool.input).toMatch(/\/\*\* \d+ more properties: not expanded: declaration size cap \*\/\n {2}\[key: string\]: unknown;/);
    expect(snippetErrors(tool.text)).toEqual([]);
  });

  it("declares thousands of definitions only as far as the cap allows, the rest unknown with a note", () => {
    const tool = declarationsFor({ name: "deep", outputSchema: chain(5_000) });
    expect(tool.truncated).toBe(true);
    expect(tool.output.length).toBeLessThanOrEqual(maxChars);
    expect(tool.output).toContain("type Def0 = {");
    expect(tool.output).toMatch(/\/\*\* not expanded: declaration size cap \(32000 characters\)\. \*\/\ntype Def\d+ = unknown;/);
    expect(tool.output).not.toContain("Def4999");
    expect(snippetErrors(tool.text)).toEqual([]);
  });

  it("holds the bound exactly for small and large caps alike", () => {
    for (const cap of [200, 1_000, 5_000, 20_000]) {
      const tool = declarationsFor({ name: "t", inputSchema: wide(500), outputSchema: chain(500) }, { limits: { maxChars: cap } });
      expect(tool.input.length, `input under ${cap}`).toBeLessThanOrEqual(cap);
      expect(tool.output.length, `output under ${cap}`).toBeLessThanOrEqual(cap);
      expect(snippetErrors(tool.text), `cap ${cap}`).toEqual([]);
    }
  });

  it("leaves a small tool untouched by the cap", () => {
    const tool = declarationsFor({ name: "small", inputSchema: wide(3), outputSchema: chain(3) });
    expect(tool.truncated).toBe(false);
    expect(tool.text).not.toContain("size cap");
  });

  it("cuts a huge enum at the cap instead of printing it", () => {
    const names = new TypeNames();
    const type = schemaToType({ enum: Array.from({ length: 100_000 }, (_, i) => `value-${i}`) }, { names, maxChars: 1_000 });
    expect(type).toBe("unknown /* not expanded: declaration size cap */");
  });

  it("converts schemas nested 10,000 levels deep without deep recursion", () => {
    let nested: unknown = { type: "string" };
    let allOf: unknown = { type: "string" };
    let literal: unknown = 1;
    for (let i = 0; i < 10_000; i++) {
      nested = { type: "object", properties: { a: nested } };
      allOf = { allOf: [allOf] };
      literal = { a: literal };
    }
    const tool = declarationsFor({ name: "nested", inputSchema: nested, outputSchema: { properties: { x: allOf, y: { const: literal } } } });
    expect(tool.input).toContain(`unknown /* nested deeper than ${TYPESCRIPT_LIMITS.maxDepth} levels */`);
    expect(tool.output).toContain("y?: {");
    expect(tool.text.length).toBeLessThanOrEqual(2 * maxChars);
    expect(snippetErrors(tool.text)).toEqual([]);
  });
});
