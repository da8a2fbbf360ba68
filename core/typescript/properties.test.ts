import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { declarationsFor } from "./declarations";
import { statementKinds, typeErrors } from "./testing/compile";

// Arbitrary schemas built from every keyword the generator reads, over a few `$defs` that refer to
// each other in any position (so eager cycles, recursion and dangling refs all occur), with hostile
// text in names, descriptions, patterns and literals.
const DEFS = ["a", "b", "c-d", "Date"];
const hostile = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("*/", "*/ const x = 1; /*", "\u2028", "\u202e", "`${x}`", "\\", '"', "a/*", "/"));
const literal = fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));

const { schema } = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(true, false, {}, { type: "string" }, { type: ["integer", "null"] }, { type: "object" }, { type: "file" }),
    fc.record({ $ref: fc.constantFrom(...DEFS.map((d) => `#/$defs/${d}`), "#", "#/$defs/missing", "x.json#/a") }),
    fc.record({ enum: fc.array(literal, { maxLength: 4 }) }, { requiredKeys: [] }),
    fc.record({ const: literal }),
    fc.record(
      {
        type: fc.constantFrom("object", ["object", "null"]),
        properties: fc.dictionary(hostile, tie("schema"), { maxKeys: 3 }),
        required: fc.array(hostile, { maxLength: 2 }),
        additionalProperties: fc.oneof(fc.boolean(), tie("schema")),
        patternProperties: fc.dictionary(hostile, tie("schema"), { maxKeys: 2 }),
        description: hostile,
        default: literal,
        format: hostile,
        deprecated: fc.boolean(),
        nullable: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    fc.record({ type: fc.constant("array"), items: tie("schema"), minItems: fc.nat(3) }, { requiredKeys: ["items"] }),
    fc.record({ prefixItems: fc.array(tie("schema"), { maxLength: 3 }), items: fc.oneof(fc.boolean(), tie("schema")), minItems: fc.nat(3) }, { requiredKeys: ["prefixItems"] }),
    fc.record({ items: fc.array(tie("schema"), { maxLength: 3 }), additionalItems: fc.oneof(fc.boolean(), tie("schema")) }, { requiredKeys: ["items"] }),
    fc.record({ anyOf: fc.array(tie("schema"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ oneOf: fc.array(tie("schema"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ allOf: fc.array(tie("schema"), { minLength: 1, maxLength: 3 }), nullable: fc.boolean() }),
  ),
}));

const document = fc.record({ root: schema, defs: fc.tuple(...DEFS.map(() => schema)), name: hostile, description: hostile });

describe("declarationsFor on arbitrary schemas", () => {
  it("always produces declarations that compile and only declare types", () => {
    fc.assert(
      fc.property(fc.array(document, { minLength: 20, maxLength: 20 }), (documents) => {
        const files = new Map<string, string>();
        documents.forEach((d, i) => {
          const inputSchema = { ...(typeof d.root === "object" && d.root !== null ? d.root : { allOf: [d.root] }), $defs: Object.fromEntries(DEFS.map((k, j) => [k, d.defs[j]])) };
          const tool = declarationsFor({ name: d.name, description: d.description, inputSchema, outputSchema: inputSchema });
          expect(new Set(statementKinds(tool.text))).toEqual(new Set(["type"]));
          files.set(`/t${i}.ts`, tool.text);
        });
        expect(typeErrors(files)).toEqual([]);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
