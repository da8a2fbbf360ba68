import type { ConvertContext, Schema } from "./convert";
import { docLines, docSize } from "./docs";
import { commentText } from "./jsdoc";
import { propertyKey } from "./identifiers";
import type { Member, TypeNode } from "./ir";
import { NEVER, UNDEFINED, UNKNOWN, union, unknownType } from "./ir";
import { SIZE_NOTE } from "./limits";

type Convert = (schema: unknown, cx: ConvertContext, depth: number) => TypeNode;

function isRecord(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `true` and `{}` accept anything (2020-12 core §4.3.2). */
function acceptsAll(schema: unknown): boolean {
  return schema === true || (isRecord(schema) && Object.keys(schema).length === 0);
}

/**
 * An object type. `properties` → members (optional unless `required`, 2020-12 validation §6.5.3; a
 * required name with no schema is `unknown`). The rest become one index signature (widened to
 * cover the members, see `covering`):
 *
 * - `additionalProperties: false` → none (`{ [key: string]: never }` when there are no members);
 * - `additionalProperties` a schema → its type; `true` or `{}` → `unknown`; absent → `unknown` only
 *   for an object with no members (TypeScript object types are open anyway);
 * - `patternProperties` → the union of their types, the patterns named in the signature's JSDoc
 *   (TypeScript cannot constrain keys by a regular expression). Keys matching no pattern are then
 *   taken to be the map's exceptions and left untyped unless `additionalProperties` says otherwise.
 */
export function objectType(schema: Schema, cx: ConvertContext, depth: number, convert: Convert): TypeNode {
  const properties = isRecord(schema["properties"]) ? Object.entries(schema["properties"]) : [];
  const required = new Set(Array.isArray(schema["required"]) ? schema["required"].filter((k) => typeof k === "string") : []);
  const indent = 2 * (depth + 1);
  const members: Member[] = [];
  for (const [key, sub] of properties) {
    const doc = docLines(sub, cx.limits.maxDocChars);
    if (!cx.budget.charge(propertyKey(key).length + indent + 8 + docSize(doc, indent))) break;
    members.push({ key, optional: !required.has(key), type: convert(sub, cx, depth + 1), doc });
  }
  const left = properties.length - members.length;
  if (left > 0) {
    const doc = [`${left} more ${left === 1 ? "property" : "properties"}: ${SIZE_NOTE}`];
    return { kind: "object", members, index: { type: UNKNOWN, doc } };
  }
  const named = new Set(properties.map(([key]) => key));
  for (const key of required) {
    if (!named.has(key) && cx.budget.charge(propertyKey(key).length + indent + 12)) members.push({ key, optional: false, type: UNKNOWN, doc: [] });
  }
  const index = indexSignature(schema, cx, depth, convert, members.length > 0);
  if (index === undefined) return { kind: "object", members };
  if (members.length === 0 || index.type.kind === "unknown") return { kind: "object", members, index };
  if (index.type.kind === "keyword" && index.type.name === "never") return { kind: "object", members };
  return { kind: "object", members, index: { type: covering(index.type, members), doc: index.doc } };
}

/**
 * TypeScript requires every member to fit the index signature (TS2411), and an intersection
 * `{ id: string } & { [key: string]: number }` rejects every literal that has `id`, so the index
 * type is widened to cover the members: `{ id: string; [key: string]: number | string }`. Reading
 * another key is then a little loose, writing a valid value always compiles. Member types are
 * repeated only when they are small (names, literals, keywords); otherwise the index is `unknown`.
 */
function covering(index: TypeNode, members: readonly Member[]): TypeNode {
  const types = members.map((member) => member.type);
  if (!types.every(small)) return UNKNOWN;
  return union([index, ...types, ...(members.some((member) => member.optional) ? [UNDEFINED] : [])]);
}

function small(node: TypeNode): boolean {
  if (node.kind === "union") return node.members.every(small);
  if (node.kind === "array") return small(node.element);
  return node.kind === "keyword" || node.kind === "literal" || node.kind === "ref" || node.kind === "unknown";
}

function indexSignature(
  schema: Schema,
  cx: ConvertContext,
  depth: number,
  convert: Convert,
  hasMembers: boolean,
): { type: TypeNode; doc: string[] } | undefined {
  const extra = schema["additionalProperties"];
  const patterns = isRecord(schema["patternProperties"]) ? Object.entries(schema["patternProperties"]) : [];
  const types: TypeNode[] = [];
  const doc: string[] = [];
  for (const [pattern, sub] of patterns) {
    if (!cx.budget.charge(pattern.length + 24)) break;
    types.push(convert(sub, cx, depth + 1));
    doc.push(`Keys matching /${commentText(pattern, 120).replace(/\s+/g, " ")}/`);
  }
  if (extra === false) {
    if (types.length > 0) return { type: union(types), doc };
    return hasMembers ? undefined : { type: NEVER, doc: [] };
  }
  if (acceptsAll(extra)) types.push(UNKNOWN);
  else if (extra !== undefined) {
    types.push(convert(extra, cx, depth + 1));
    doc.push(...docLines(extra, cx.limits.maxDocChars));
  } else if (types.length === 0 && !hasMembers) types.push(UNKNOWN);
  return types.length === 0 ? undefined : { type: union(types), doc };
}

/**
 * An array or tuple type. 2020-12: `prefixItems` are the leading elements and `items` the rest;
 * draft-07 (§9.3.1.1-2): an array `items` is the tuple and `additionalItems` the rest. Elements at
 * or past `minItems` are optional; a rest that is absent accepts anything, `false` closes the tuple.
 */
export function arrayType(schema: Schema, cx: ConvertContext, depth: number, convert: Convert): TypeNode {
  const modern = Array.isArray(schema["prefixItems"]);
  const prefix: unknown = modern ? schema["prefixItems"] : schema["items"];
  if (!Array.isArray(prefix)) {
    const items = schema["items"];
    return { kind: "array", element: items === undefined ? UNKNOWN : convert(items, cx, depth + 1) };
  }
  const elements: TypeNode[] = [];
  for (const item of prefix) {
    if (!cx.budget.charge(4)) break;
    elements.push(convert(item, cx, depth + 1));
  }
  const min = typeof schema["minItems"] === "number" ? Math.max(0, Math.floor(schema["minItems"])) : 0;
  const restSchema = modern ? schema["items"] : schema["additionalItems"];
  let rest: TypeNode | undefined;
  if (elements.length < prefix.length) rest = unknownType(SIZE_NOTE);
  else if (restSchema !== false) rest = restSchema === undefined || acceptsAll(restSchema) ? UNKNOWN : convert(restSchema, cx, depth + 1);
  return { kind: "tuple", elements, required: Math.min(min, elements.length), rest };
}
