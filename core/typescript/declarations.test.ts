import { describe, expect, it } from "vitest";
import { declarationsFor } from "./declarations";
import { TypeNames } from "./names";
import { snippetErrors, statementKinds, syntaxErrors } from "./testing/compile";

describe("declarationsFor: one tool", () => {
  it("names the function, input and output types after the tool and documents the function", () => {
    const tool = declarationsFor({
      name: "issues/create",
      description: "Create an issue.",
      inputSchema: { type: "object", properties: { title: { type: "string" } }, required: ["title"], additionalProperties: false },
      outputSchema: { type: "object", properties: { number: { type: "integer" } }, required: ["number"] },
    });
    expect(tool).toMatchObject({ typeName: "IssuesCreate", inputType: "IssuesCreateInput", outputType: "IssuesCreateOutput", truncated: false });
    expect(tool.input).toBe("type IssuesCreateInput = {\n  title: string;\n};\n");
    expect(tool.output).toBe("type IssuesCreateOutput = {\n  number: number;\n};\n");
    expect(tool.text).toBe(`/** Create an issue. */\ntype IssuesCreate = (args: IssuesCreateInput) => Promise<IssuesCreateOutput>;\n\n${tool.input}\n${tool.output}`);
    const call = 'declare const create: IssuesCreate;\nconst out: Promise<{ number: number }> = create({ title: "Bug" });\n// @ts-expect-error title is required\nvoid create({});';
    expect(snippetErrors(`${tool.text}\n${call}`)).toEqual([]);
  });

  it("takes any arguments object without an input schema and returns unknown without an output schema", () => {
    const tool = declarationsFor({ name: "ping" });
    expect(tool.input).toBe("type PingInput = {\n  [key: string]: unknown;\n};\n");
    expect(tool.output).toBe("type PingOutput = unknown;\n");
    expect(snippetErrors(`${tool.text}\ndeclare const ping: Ping;\nvoid ping({ any: 1 });\n// @ts-expect-error the arguments are an object\nvoid ping("x");`)).toEqual([]);
  });

  it("makes input and output each compile on their own", () => {
    const shared = { $defs: { user: { type: "object", properties: { login: { type: "string" } } } } };
    const tool = declarationsFor({ name: "u", inputSchema: { properties: { who: { $ref: "#/$defs/user" } }, ...shared }, outputSchema: { type: "array", items: { $ref: "#/$defs/user" }, ...shared } });
    expect(snippetErrors(tool.input)).toEqual([]);
    expect(snippetErrors(tool.output)).toEqual([]);
    expect(snippetErrors(tool.text)).toEqual([]);
  });

  it("keeps the names of a shared registry unique across tools (a toolkit's SDK)", () => {
    const names = new TypeNames();
    const a = declarationsFor({ name: "get" }, { names });
    const b = declarationsFor({ name: "get" }, { names });
    expect([a.typeName, b.typeName, b.inputType]).toEqual(["Get", "Get2", "Get2Input"]);
    expect(declarationsFor({ name: "Promise" }).typeName).toBe("Promise2");
    expect(declarationsFor({ name: "!!!" }).typeName).toBe("Type");
  });
});

describe("declarationsFor: text from a schema can never become code", () => {
  const attack = "*/ declare const pwned: 1; /*";
  const tool = declarationsFor({
    name: `x*/ y`,
    description: `${attack}\u2028 more \u202e reversed`,
    inputSchema: {
      type: "object",
      properties: {
        [attack]: { type: "string", description: attack, format: attack, default: attack, enum: [attack] },
        ref: { $ref: `#/$defs/${encodeURIComponent(attack)}` },
        missing: { $ref: `#/${attack}` },
      },
      patternProperties: { [attack]: { title: attack } },
      $defs: { [attack]: { const: attack, description: attack } },
    },
  });

  it("declares only types, whatever descriptions, formats, defaults, patterns, keys and refs hold", () => {
    expect(syntaxErrors(tool.text)).toEqual([]);
    expect(snippetErrors(tool.text)).toEqual([]);
    expect(new Set(statementKinds(tool.text))).toEqual(new Set(["type"]));
    expect(tool.text).not.toMatch(/\u2028|\u202e/);
  });

  it("proves the check can fail: the same text unescaped would declare a value", () => {
    expect(statementKinds(`/** ${attack} */\ntype T = 1;`)).toContain("variable");
  });
});

describe("declarationsFor: tricky schemas compile and mean what they say", () => {
  const cases: ReadonlyArray<{ name: string; inputSchema: object; ok: string; bad: string }> = [
    {
      name: "recursion through arrays",
      inputSchema: {
        type: "object",
        properties: { tree: { $ref: "#/$defs/node" } },
        required: ["tree"],
        $defs: { node: { type: "object", properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/node" } } }, required: ["name"] } },
      },
      ok: '{ tree: { name: "a", children: [{ name: "b", children: [{ name: "c" }] }] } }',
      bad: '{ tree: { name: "a", children: [{ children: [] }] } }',
    },
    {
      name: "oneOf of objects",
      inputSchema: {
        oneOf: [
          { type: "object", properties: { by: { const: "id" }, id: { type: "integer" } }, required: ["by", "id"] },
          { type: "object", properties: { by: { const: "name" }, name: { type: "string" } }, required: ["by", "name"] },
        ],
      },
      ok: '{ by: "name", name: "x" }',
      bad: '{ by: "id", name: "x" }',
    },
    {
      name: "enum with mixed types",
      inputSchema: { type: "object", properties: { v: { enum: ["auto", 0, 1.5, false, null] } }, required: ["v"] },
      ok: "{ v: null }",
      bad: '{ v: "manual" }',
    },
    {
      name: "additionalProperties schema",
      inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"], additionalProperties: { type: "integer" } },
      ok: '{ id: "a", retries: 3 }',
      bad: '{ id: "a", retries: true }',
    },
    {
      name: "nullable refs (OpenAPI 3.0 and 3.1 forms)",
      inputSchema: {
        type: "object",
        properties: { a: { allOf: [{ $ref: "#/$defs/pet" }], nullable: true }, b: { anyOf: [{ $ref: "#/$defs/pet" }, { type: "null" }] } },
        required: ["a", "b"],
        $defs: { pet: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } },
      },
      ok: '{ a: null, b: { name: "rex" } }',
      bad: "{ a: undefined, b: null }",
    },
  ];

  for (const c of cases) {
    it(`${c.name}: accepts a valid argument and rejects an invalid one`, () => {
      const tool = declarationsFor({ name: c.name, inputSchema: c.inputSchema });
      const usage = `const ok: ${tool.inputType} = ${c.ok};\n// @ts-expect-error invalid for the schema\nconst bad: ${tool.inputType} = ${c.bad};\n`;
      expect(snippetErrors(`${tool.text}\n${usage}`)).toEqual([]);
    });
  }
});
