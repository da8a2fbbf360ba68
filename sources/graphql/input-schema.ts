import type { GraphQLArgument, GraphQLInputType } from "graphql";
import { isEnumType, isInputObjectType, isListType, isNonNullType, isRequiredArgument, isRequiredInputField, isScalarType } from "graphql";
import type { JsonObject } from "../../schemas";
import { cleanText } from "../shared/text";

/** Nesting bound for input objects; deeper structures are accepted as plain objects. */
const MAX_INPUT_DEPTH = 5;
const PROPERTY_DESCRIPTION_CAP = 512;

/** GraphQL spec §3.5 built-in scalars; custom scalars accept any JSON (their format is the server's). */
const BUILT_IN: Readonly<Record<string, JsonObject>> = {
  Int: { type: "integer" },
  Float: { type: "number" },
  String: { type: "string" },
  Boolean: { type: "boolean" },
  ID: { type: "string" },
};

/**
 * A field's arguments as one JSON Schema object: non-null arguments without a default are required
 * (spec §3.6.1 "Required Arguments"). Input objects nest; a recursive input type is expanded once on
 * each path and then accepted as a plain object, and nesting stops at MAX_INPUT_DEPTH.
 */
export function argumentsSchema(args: readonly GraphQLArgument[]): JsonObject {
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const arg of args) {
    properties[arg.name] = withDescription(typeSchema(arg.type, 1, []), arg.description, arg.deprecationReason);
    if (isRequiredArgument(arg)) required.push(arg.name);
  }
  return { type: "object", properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}

function typeSchema(type: GraphQLInputType, depth: number, path: readonly string[]): JsonObject {
  if (isNonNullType(type)) return typeSchema(type.ofType, depth, path);
  if (isListType(type)) return { type: "array", items: typeSchema(type.ofType, depth, path) };
  if (isEnumType(type)) return { type: "string", enum: type.getValues().map((value) => value.name) };
  if (isScalarType(type)) return BUILT_IN[type.name] ?? { description: `GraphQL scalar ${type.name}` };
  if (!isInputObjectType(type)) return {};
  if (depth > MAX_INPUT_DEPTH || path.includes(type.name)) {
    return { type: "object", description: `GraphQL input ${type.name} (not expanded further)` };
  }
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const field of Object.values(type.getFields())) {
    const inner = typeSchema(field.type, depth + 1, [...path, type.name]);
    properties[field.name] = withDescription(inner, field.description, field.deprecationReason);
    if (isRequiredInputField(field)) required.push(field.name);
  }
  // Spec §3.10.1 OneOf Input Objects: exactly one field, and it is not null.
  const schema: JsonObject = { type: "object", properties, additionalProperties: false };
  if (type.description != null && type.description !== "") {
    schema["description"] = cleanText(type.description, PROPERTY_DESCRIPTION_CAP);
  }
  if (required.length > 0) schema["required"] = required;
  if (type.isOneOf) Object.assign(schema, { minProperties: 1, maxProperties: 1 });
  return schema;
}

function withDescription(schema: JsonObject, description: string | null | undefined, deprecated: string | null | undefined): JsonObject {
  const parts = [description ?? "", deprecated == null ? "" : `Deprecated: ${deprecated}`].filter((p) => p !== "");
  if (parts.length === 0) return schema;
  return { ...schema, description: cleanText(parts.join(" "), PROPERTY_DESCRIPTION_CAP) };
}
