import { propertyKey, stringLiteral } from "./identifiers";
import type { Member, TypeNode } from "./ir";
import { intersection, keyword, NEVER, NULL, UNKNOWN, union, unknownType } from "./ir";
import type { Budget, TypeScriptLimits } from "./limits";
import { SIZE_NOTE } from "./limits";
import { arrayType, objectType } from "./structures";

/**
 * One JSON Schema (2020-12, draft-07, or the OpenAPI 3.0 dialect) as a TypeScript type, by keyword:
 *
 * - `$ref` → the named alias `refer` gives (never expanded inline: names.ts declares it once);
 * - `const` and `enum` → literal types (enum values of a type `type` excludes are dropped, 2020-12
 *   validation §6.1.1 and §6.1.2 both apply), else `type` (a string or an array) → one member per type;
 * - without `type`, object keywords imply an object and array keywords an array (what schemas
 *   omitting `type` mean in practice; strictly, other types would also pass);
 * - `allOf` → `&`; `anyOf` and `oneOf` → `|` (TypeScript cannot say "exactly one");
 * - `nullable: true` (OpenAPI 3.0 §4.7.24) → `| null`;
 * - `not`, `if`/`then`/`else`, `contains`, numeric and string bounds → no type (they narrow values
 *   in ways TypeScript cannot state; the validator still enforces them).
 */
export interface ConvertContext {
  readonly limits: TypeScriptLimits;
  readonly budget: Budget;
  /** A `$ref` (as written) in the current document: a named alias, or `unknown` saying why not. */
  readonly refer: (ref: string) => TypeNode;
}

export type Schema = Readonly<Record<string, unknown>>;

export function isSchemaObject(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const OBJECT_KEYWORDS = ["properties", "additionalProperties", "patternProperties", "required", "propertyNames", "minProperties", "maxProperties"];
const ARRAY_KEYWORDS = ["items", "prefixItems", "additionalItems", "minItems", "maxItems", "contains", "uniqueItems"];
const TYPE_NAMES = new Set(["string", "number", "integer", "boolean", "null", "object", "array"]);
/** Literal values (`enum`, `const`) nest this deep at most; deeper parts are `unknown`. */
const MAX_LITERAL_DEPTH = 8;

export function convertSchema(schema: unknown, cx: ConvertContext, depth: number): TypeNode {
  if (schema === true) return UNKNOWN;
  if (schema === false) return NEVER;
  if (!isSchemaObject(schema)) return unknownType("not a schema");
  if (depth > cx.limits.maxDepth) return unknownType(`nested deeper than ${cx.limits.maxDepth} levels`);
  if (!cx.budget.charge(8)) return unknownType(SIZE_NOTE);
  const parts: TypeNode[] = [];
  if (typeof schema["$ref"] === "string") parts.push(cx.refer(schema["$ref"]));
  if (typeof schema["$dynamicRef"] === "string" || typeof schema["$recursiveRef"] === "string") {
    parts.push(unknownType("dynamic reference not followed"));
  }
  for (const member of schemaList(schema["allOf"])) parts.push(convertSchema(member, cx, depth + 1));
  for (const name of ["anyOf", "oneOf"]) {
    const members = schemaList(schema[name]);
    if (members.length > 0) parts.push(union(members.map((member) => convertSchema(member, cx, depth + 1))));
  }
  const base = baseType(schema, cx, depth);
  // A bare `type: object` beside `oneOf` and friends says nothing the members do not.
  if (base !== undefined && !(base.bare && parts.length > 0)) parts.unshift(base.type);
  const type = intersection(parts);
  return schema["nullable"] === true ? union([type, NULL]) : type;
}

function schemaList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function baseType(schema: Schema, cx: ConvertContext, depth: number): { type: TypeNode; bare: boolean } | undefined {
  const declared = typeList(schema["type"]);
  if (Object.hasOwn(schema, "const")) return { type: literalType(schema["const"], cx, 0), bare: false };
  if (Array.isArray(schema["enum"])) {
    const values = declared === undefined ? schema["enum"] : schema["enum"].filter((value) => declared.some((t) => hasType(value, t)));
    return { type: union(values.map((value) => literalType(value, cx, 0))), bare: false };
  }
  const types = declared ?? inferredTypes(schema);
  if (types.length === 0) return undefined;
  const bare = types.length === 1 && types[0] === "object" && !OBJECT_KEYWORDS.some((k) => Object.hasOwn(schema, k));
  return { type: union(types.map((name) => typeNamed(name, schema, cx, depth))), bare };
}

function typeList(value: unknown): readonly string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((t) => typeof t === "string")) return value as string[];
  return undefined;
}

function inferredTypes(schema: Schema): string[] {
  const types: string[] = [];
  if (OBJECT_KEYWORDS.some((k) => Object.hasOwn(schema, k))) types.push("object");
  if (ARRAY_KEYWORDS.some((k) => Object.hasOwn(schema, k))) types.push("array");
  return types;
}

/** JSON Schema 2020-12 validation §6.1.1: the instance's type (an integer is also a number). */
function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "integer":
      return Number.isInteger(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return isSchemaObject(value);
    default:
      return typeof value === type || !TYPE_NAMES.has(type);
  }
}

function typeNamed(name: string, schema: Schema, cx: ConvertContext, depth: number): TypeNode {
  switch (name) {
    case "string":
    case "boolean":
    case "null":
      return keyword(name);
    case "number":
    case "integer":
      return keyword("number");
    case "object":
      return objectType(schema, cx, depth, convertSchema);
    case "array":
      return arrayType(schema, cx, depth, convertSchema);
    default:
      return unknownType(`type ${stringLiteral(name.slice(0, 40))}`);
  }
}

/** A JSON value as its literal type: `"a"`, `-1`, `true`, `null`, a tuple, an object type. */
export function literalType(value: unknown, cx: ConvertContext, depth: number): TypeNode {
  if (depth > MAX_LITERAL_DEPTH) return UNKNOWN;
  if (value === null) return NULL;
  if (typeof value === "boolean") return { kind: "literal", text: String(value) };
  if (typeof value === "number") return Number.isFinite(value) ? literal(String(value), cx) : keyword("number");
  if (typeof value === "string") return literal(stringLiteral(value), cx);
  if (!cx.budget.charge(4)) return unknownType(SIZE_NOTE);
  if (Array.isArray(value)) {
    const elements = value.map((item) => literalType(item, cx, depth + 1));
    return { kind: "tuple", elements, required: elements.length };
  }
  if (!isSchemaObject(value)) return UNKNOWN;
  const members: Member[] = Object.entries(value).map(([key, item]) => {
    cx.budget.charge(propertyKey(key).length + 4 + 2 * depth);
    return { key, optional: false, type: literalType(item, cx, depth + 1), doc: [] };
  });
  return { kind: "object", members };
}

function literal(text: string, cx: ConvertContext): TypeNode {
  return cx.budget.charge(text.length + 3) ? { kind: "literal", text } : unknownType(SIZE_NOTE);
}
