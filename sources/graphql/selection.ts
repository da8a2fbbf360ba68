import type {
  GraphQLAbstractType,
  GraphQLField,
  GraphQLInterfaceType,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSchema,
} from "graphql";
import { getNamedType, isAbstractType, isInterfaceType, isLeafType, isObjectType, isRequiredArgument } from "graphql";

/** Fields one generated document may select, whatever the depth: bounds document size and upstream cost. */
const FIELD_BUDGET = 500;
/** Inline fragments per abstract type. */
const MAX_FRAGMENTS = 20;

interface Walk {
  readonly schema: GraphQLSchema;
  readonly maxDepth: number;
  budget: number;
}

/**
 * The selection set for a field of `type`, or "" for a leaf. Level 1 is the root field's own selection;
 * object fields descend while the level is below `maxDepth`. Fields with required arguments are
 * skipped (there is nothing to pass), and so are deprecated ones. An object with nothing selectable
 * selects `__typename` (spec §4.4), so the set is never empty. Abstract types select `__typename` and
 * one inline fragment of leaf fields per possible type.
 */
export function selectionFor(schema: GraphQLSchema, type: GraphQLOutputType, maxDepth: number): string {
  return selection({ schema, maxDepth, budget: FIELD_BUDGET }, type, 1);
}

function selection(walk: Walk, type: GraphQLOutputType, level: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return "";
  const parts: string[] = [];
  if (isObjectType(named) || isInterfaceType(named)) parts.push(...objectFields(walk, named, level));
  if (isAbstractType(named)) parts.push("__typename", ...fragments(walk, named));
  if (parts.length === 0) parts.push("__typename");
  return `{ ${parts.join(" ")} }`;
}

function objectFields(walk: Walk, type: GraphQLObjectType | GraphQLInterfaceType, level: number): string[] {
  const parts: string[] = [];
  for (const field of selectable(type)) {
    if (walk.budget <= 0) break;
    if (isLeafType(getNamedType(field.type))) {
      walk.budget -= 1;
      parts.push(field.name);
    } else if (level < walk.maxDepth) {
      walk.budget -= 1;
      parts.push(`${field.name} ${selection(walk, field.type, level + 1)}`);
    }
  }
  return parts;
}

/**
 * `... on T { leaves }` per possible type. Spec §5.3.2 (field selection merging): the same response
 * name must have the same shape in every fragment, so a leaf whose name was already taken with a
 * different type is left out rather than producing an invalid document. An interface's own fields are
 * selected outside the fragments already.
 */
function fragments(walk: Walk, type: GraphQLAbstractType): string[] {
  const own = new Set(isInterfaceType(type) ? Object.keys(type.getFields()) : []);
  const taken = new Map<string, string>();
  const out: string[] = [];
  for (const member of walk.schema.getPossibleTypes(type).slice(0, MAX_FRAGMENTS)) {
    const leaves: string[] = [];
    for (const field of selectable(member)) {
      if (walk.budget <= 0 || own.has(field.name) || !isLeafType(getNamedType(field.type))) continue;
      const shape = String(field.type);
      if ((taken.get(field.name) ?? shape) !== shape) continue;
      taken.set(field.name, shape);
      walk.budget -= 1;
      leaves.push(field.name);
    }
    if (leaves.length > 0) out.push(`... on ${member.name} { ${leaves.join(" ")} }`);
  }
  return out;
}

function selectable(type: GraphQLObjectType | GraphQLInterfaceType): GraphQLField[] {
  return Object.values(type.getFields()).filter(
    (field) => field.deprecationReason == null && !field.args.some((arg) => isRequiredArgument(arg)),
  );
}
