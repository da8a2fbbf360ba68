import { describe, expect, it } from "vitest";
import { declarationsFor, schemaToType } from "./declarations";
import { TypeNames } from "./names";
import { snippetErrors } from "./testing/compile";

function declare(schema: unknown, names = new TypeNames()): { text: string; names: TypeNames } {
  names.declare("T", schema);
  return { text: names.print(["T"]), names };
}

/** `type X =` lines, in order. */
function declared(text: string): string[] {
  return [...text.matchAll(/^type (\w+) =/gm)].map((m) => m[1] as string);
}

describe("TypeNames: $ref as named types", () => {
  it("declares each referenced definition once, however many references use it", () => {
    const schema = {
      type: "object",
      properties: { a: { $ref: "#/$defs/user" }, b: { $ref: "#/$defs/user" }, c: { type: "array", items: { $ref: "#/$defs/user" } } },
      $defs: { user: { type: "object", description: "A user.", properties: { login: { type: "string" } } } },
    };
    const { text } = declare(schema);
    expect(text).toBe("type T = {\n  a?: User;\n  b?: User;\n  c?: User[];\n};\n\n/** A user. */\ntype User = {\n  login?: string;\n};\n");
  });

  it("names a recursive definition instead of expanding it, through arrays and properties", () => {
    const schema = {
      $ref: "#/$defs/Node",
      $defs: {
        Node: { type: "object", properties: { value: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/Node" } }, parent: { $ref: "#/$defs/Node" } } },
      },
    };
    const { text } = declare(schema);
    expect(text).toBe("type T = Node;\n\ntype Node = {\n  value?: string;\n  children?: Node[];\n  parent?: Node;\n};\n");
    expect(snippetErrors(`${text}\nconst tree: T = { value: "root", children: [{ value: "leaf", children: [] }] };\n`)).toEqual([]);
  });

  it("names mutually recursive definitions, each once", () => {
    const schema = {
      $ref: "#/definitions/Person",
      definitions: {
        Person: { type: "object", properties: { employer: { $ref: "#/definitions/Company" } } },
        Company: { type: "object", properties: { staff: { type: "array", items: { $ref: "#/definitions/Person" } } } },
      },
    };
    const { text } = declare(schema);
    expect(declared(text)).toEqual(["T", "Person", "Company"]);
    expect(snippetErrors(text)).toEqual([]);
  });

  it("breaks a cycle through unions and intersections, which TypeScript rejects, with a note", () => {
    const schema = {
      $ref: "#/$defs/a",
      $defs: { a: { anyOf: [{ $ref: "#/$defs/b" }, { type: "string" }] }, b: { allOf: [{ $ref: "#/$defs/a" }, { type: "object" }] }, c: { anyOf: [{ $ref: "#/$defs/c" }] } },
    };
    // The same declarations without the break are an error: the check below can fail.
    expect(snippetErrors("type A = B | string;\ntype B = A & {};\n").join()).toContain("circularly references itself");
    const { text } = declare(schema);
    expect(text).toContain("type A = B | string;");
    expect(text).toContain("type B = unknown /* circular reference to A */ & {");
    expect(snippetErrors(text)).toEqual([]);
    const self = declare({ $ref: "#/$defs/c", $defs: { c: { anyOf: [{ $ref: "#/$defs/c" }, { type: "null" }] } } }).text;
    expect(self).toContain("type C = unknown /* circular reference to C */ | null;");
    expect(snippetErrors(self)).toEqual([]);
  });

  it("breaks a cycle through an array or tuple inside an optional or rest tuple element, which TypeScript resolves eagerly", () => {
    // Each of these, unbroken, is "circularly references itself"; the check below can fail.
    for (const snippet of ["type A = [[A]?] | null;", "type A = [string, ...A[][]] | null;", "type A = [[A]?][] | null;"]) {
      expect(snippetErrors(snippet).join()).toContain("circularly references itself");
    }
    const tuple = (items: unknown[]) => ({ items, additionalItems: true });
    const cases = [
      { a: { anyOf: [tuple([tuple([{ $ref: "#/$defs/a" }])]), { type: "null" }] } },
      { a: { allOf: [{ items: [{ items: [{ $ref: "#/$defs/a" }] }] }, true], nullable: true } },
      { a: { anyOf: [{ prefixItems: [{ type: "string" }], minItems: 1, items: { type: "array", items: { $ref: "#/$defs/a" } } }, { type: "null" }] } },
    ];
    for (const $defs of cases) {
      const { text } = declare({ $ref: "#/$defs/a", $defs });
      expect(text).toContain("circular reference to A");
      expect(snippetErrors(text)).toEqual([]);
    }
    // What TypeScript defers stays named: a bare reference as the optional element, or one behind an object.
    const fine = declare({ $ref: "#/$defs/a", $defs: { a: { anyOf: [tuple([{ $ref: "#/$defs/a" }]), { type: "object", properties: { x: tuple([tuple([{ $ref: "#/$defs/a" }])]) } }] } } }).text;
    expect(fine).not.toContain("circular reference");
    expect(snippetErrors(fine)).toEqual([]);
  });

  it("refers to the root itself with $ref '#'", () => {
    const { text } = declare({ type: "object", properties: { next: { $ref: "#" } } });
    expect(text).toBe("type T = {\n  next?: T;\n};\n");
  });

  it("turns unresolvable, external and anchor references into unknown with a comment", () => {
    const schema = {
      type: "object",
      properties: { a: { $ref: "#/$defs/missing" }, b: { $ref: "other.json#/x" }, c: { $ref: "#name" }, d: { $ref: "#/$defs/data" }, e: { $dynamicRef: "#node" } },
      $defs: { data: 42 },
    };
    expect(declare(schema).text).toBe(
      "type T = {\n" +
        "  a?: unknown /* unresolved reference: #/$defs/missing */;\n" +
        "  b?: unknown /* reference to another document: other.json#/x */;\n" +
        "  c?: unknown /* anchor references are not followed: #name */;\n" +
        "  d?: unknown /* reference to something that is not a schema: #/$defs/data */;\n" +
        "  e?: unknown /* dynamic reference not followed */;\n" +
        "};\n",
    );
  });

  it("never resolves a pointer through Object.prototype", () => {
    const { text } = declare({ properties: { a: { $ref: "#/$defs/constructor" }, b: { $ref: "#/toString" } }, $defs: {} });
    expect(text).toContain("a?: unknown /* unresolved reference: #/$defs/constructor */;");
    expect(text).toContain("b?: unknown /* unresolved reference: #/toString */;");
  });

  it("follows percent-encoded and ~-escaped pointers, and refs qualified by the document's $id, to one name", () => {
    const schema = {
      $id: "https://example.com/s.json",
      properties: { a: { $ref: "#/$defs/a~1b%20c" }, b: { $ref: "#/$defs/a~1b c" }, c: { $ref: "https://example.com/s.json#/$defs/a~1b%20c" } },
      $defs: { "a/b c": { type: "string" } },
    };
    const { text } = declare(schema);
    // A key holding "/" is named by its last part (sources/openapi keys other targets `ref:/…/name`).
    expect(text).toBe("type T = {\n  a?: BC;\n  b?: BC;\n  c?: BC;\n};\n\ntype BC = string;\n");
  });

  it("makes $defs names valid, unique PascalCase identifiers that never take a global's name", () => {
    // Distinct definitions: equal ones would rightly share a name.
    const keys = ["simple-user", "simple_user", "2fa", "", "date", "Promise", "ユーザー", "x".repeat(100)];
    const defs = Object.fromEntries(keys.map((k, i) => [k, { const: i }]));
    const schema = { properties: Object.fromEntries(keys.map((k, i) => [`p${i}`, { $ref: `#/$defs/${encodeURIComponent(k)}` }])), $defs: defs };
    const { text } = declare(schema);
    expect(declared(text)).toEqual(["T", "SimpleUser", "SimpleUser2", "_2fa", "Ref", "Date2", "Promise2", "Ref2", `X${"x".repeat(63)}`]);
    expect(snippetErrors(`${text}\nconst p: Promise<number> = Promise.resolve(1);\n`)).toEqual([]);
  });
});

describe("TypeNames: one registry for many schemas", () => {
  const user = { type: "object", properties: { login: { type: "string" } } };

  it("gives an equal definition from two documents one name", () => {
    const names = new TypeNames();
    names.declare("In", { properties: { u: { $ref: "#/$defs/user" } }, $defs: { user } });
    names.declare("Out", { $ref: "#/$defs/user", $defs: { user: structuredClone(user) } });
    expect(declared(names.printAll())).toEqual(["In", "User", "Out"]);
    expect(names.print(["Out"])).toBe("type Out = User;\n\ntype User = {\n  login?: string;\n};\n");
  });

  it("gives a same-named but different definition its own name, also when only what it references differs", () => {
    const names = new TypeNames();
    const wrapper = { type: "object", properties: { who: { $ref: "#/$defs/user" } } };
    names.declare("A", { $ref: "#/$defs/wrapper", $defs: { wrapper, user } });
    names.declare("B", { $ref: "#/$defs/wrapper", $defs: { wrapper, user: { type: "string" } } });
    names.declare("C", { $ref: "#/$defs/user", $defs: { user: { ...user, description: "changed" } } });
    expect(declared(names.printAll())).toEqual(["A", "Wrapper", "User", "B", "Wrapper2", "User2", "C", "User3"]);
    expect(snippetErrors(names.printAll())).toEqual([]);
  });

  it("schemaToType resolves refs against the root it is given and leaves the aliases in the registry", () => {
    const names = new TypeNames();
    const root = { $defs: { id: { type: "integer" } }, properties: { id: { $ref: "#/$defs/id" } } };
    expect(schemaToType(root.properties.id, { root, names })).toBe("Id");
    expect(names.printAll()).toBe("type Id = number;\n");
  });

  it("declares shared types of a tool's input and output once in its text", () => {
    const shared = { $defs: { user } };
    const tool = declarationsFor({ name: "users/update", inputSchema: { properties: { body: { $ref: "#/$defs/user" } }, ...shared }, outputSchema: { $ref: "#/$defs/user", ...shared } });
    expect(tool.input).toContain("type User =");
    expect(tool.output).toContain("type User =");
    expect(tool.text.match(/type User =/g)).toHaveLength(1);
  });
});
