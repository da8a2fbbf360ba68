import type { GraphQLField, GraphQLSchema } from "graphql";
import { parse, validate } from "graphql";
import { selectionFor } from "./selection";

export type OperationKind = "query" | "mutation";

/**
 * The document that calls one root field, every argument bound to a variable of the same name and
 * type: `query($id: ID!) { user(id: $id) { … } }`. A variable the caller leaves out leaves the
 * argument unset, so the field's own default applies (spec §6.4.1 CoerceArgumentValues).
 *
 * The document is validated against the schema (spec §5). If the generated selection set is not
 * valid, the field falls back to the smallest selection; null when even that is invalid.
 */
export function operationFor(schema: GraphQLSchema, kind: OperationKind, field: GraphQLField, maxDepth: number): string | null {
  const variables = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(", ");
  const bindings = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(", ");
  const head = variables === "" ? kind : `${kind}(${variables})`;
  const call = bindings === "" ? field.name : `${field.name}(${bindings})`;
  for (const depth of maxDepth > 1 ? [maxDepth, 1] : [1]) {
    const document = `${head} { ${call} ${selectionFor(schema, field.type, depth)} }`.replace(/ {2,}/g, " ");
    if (isValid(schema, document)) return document;
  }
  return null;
}

function isValid(schema: GraphQLSchema, document: string): boolean {
  try {
    return validate(schema, parse(document)).length === 0;
  } catch {
    return false;
  }
}
