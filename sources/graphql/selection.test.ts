import { buildSchema, parse, validate } from "graphql";
import type { GraphQLField } from "graphql";
import { describe, expect, it } from "vitest";
import { argumentsSchema } from "./input-schema";
import { operationFor } from "./operation";
import { sideEffectOf } from "./resolve";

const schema = buildSchema(`
  type Query {
    feed: [Item!]!
    deep: Level1
    wide: Wide
    tree(filter: Tree): Boolean
    pick(by: By!): Boolean
  }
  union Item = A | B
  type A { id: ID! value: String! }
  type B { id: ID! value: Int }
  type Level1 { name: String next: Level2 }
  type Level2 { name: String next: Level3 }
  type Level3 { name: String next: Level4 }
  type Level4 { name: String }
  type Wide { ${Array.from({ length: 700 }, (_, i) => `f${i}: Int`).join(" ")} }
  input Tree { left: Tree right: Tree leaf: Int }
  input By @oneOf { id: ID slug: String }
`);

function root(name: string): GraphQLField {
  const field = schema.getQueryType()?.getFields()[name];
  if (field === undefined) throw new Error(name);
  return field;
}

function document(name: string, depth: number): string {
  const text = operationFor(schema, "query", root(name), depth);
  if (text === null) throw new Error("no document");
  expect(validate(schema, parse(text))).toEqual([]);
  return text;
}

describe("operationFor", () => {
  it("leaves out a union member's field whose type conflicts with an earlier member's (spec §5.3.2)", () => {
    expect(document("feed", 2)).toBe("query { feed { __typename ... on A { id value } ... on B { id } } }");
  });

  it("descends exactly maxDepth levels", () => {
    expect(document("deep", 1)).toBe("query { deep { name } }");
    expect(document("deep", 3)).toBe("query { deep { name next { name next { name } } } }");
  });

  it("bounds the number of selected fields", () => {
    expect(document("wide", 2).split(" ").filter((w) => /^f\d+$/.test(w))).toHaveLength(500);
  });
});

describe("argumentsSchema", () => {
  it("expands a recursive input once per path", () => {
    expect(argumentsSchema(root("tree").args)).toEqual({
      type: "object",
      additionalProperties: false,
      properties: {
        filter: {
          type: "object",
          additionalProperties: false,
          properties: {
            left: { type: "object", description: "GraphQL input Tree (not expanded further)" },
            right: { type: "object", description: "GraphQL input Tree (not expanded further)" },
            leaf: { type: "integer" },
          },
        },
      },
    });
  });

  it("asks for exactly one member of a @oneOf input", () => {
    expect(argumentsSchema(root("pick").args)).toMatchObject({
      required: ["by"],
      properties: { by: { minProperties: 1, maxProperties: 1 } },
    });
  });
});

describe("sideEffectOf", () => {
  it("reads queries, and marks only removal verbs at a word boundary as destructive", () => {
    expect(sideEffectOf("query", "deleteUser")).toBe("read");
    expect(["deleteUser", "remove_member", "DropTable", "purge"].map((n) => sideEffectOf("mutation", n))).toEqual([
      "destructive",
      "destructive",
      "destructive",
      "destructive",
    ]);
    expect(["dropboxSync", "createUser", "deletedFlag"].map((n) => sideEffectOf("mutation", n))).toEqual(["write", "write", "write"]);
  });
});
