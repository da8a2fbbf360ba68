/**
 * The type expressions we generate, as a tree: the converter builds it, names.ts walks it to find
 * which aliases refer to which (and to break cycles TypeScript rejects), print.ts writes it out.
 * Constructors simplify as TypeScript itself would (`unknown | T` is `unknown`, `never & T` is
 * `never`), so printed types stay small and readable.
 */

/** A named type the tree refers to (an entry of names.ts's registry). */
export interface AliasTarget {
  readonly name: string;
}

/**
 * A reference to a named type. `broken` is set when the reference would close a cycle TypeScript
 * cannot resolve (names.ts); it then prints as `unknown` with a note.
 */
export interface RefNode {
  readonly kind: "ref";
  readonly target: AliasTarget;
  broken: boolean;
}

export interface Member {
  readonly key: string;
  readonly optional: boolean;
  readonly type: TypeNode;
  /** JSDoc lines, already safe for a comment (jsdoc.ts commentText). */
  readonly doc: readonly string[];
}

export interface ObjectNode {
  readonly kind: "object";
  readonly members: readonly Member[];
  readonly index?: { readonly type: TypeNode; readonly doc: readonly string[] };
}

export type TypeNode =
  | { readonly kind: "keyword"; readonly name: "string" | "number" | "boolean" | "null" | "undefined" | "never" }
  | { readonly kind: "unknown"; readonly note?: string }
  | { readonly kind: "literal"; readonly text: string }
  | RefNode
  | { readonly kind: "union"; readonly members: readonly TypeNode[] }
  | { readonly kind: "intersection"; readonly members: readonly TypeNode[] }
  | { readonly kind: "array"; readonly element: TypeNode }
  | { readonly kind: "tuple"; readonly elements: readonly TypeNode[]; readonly required: number; readonly rest?: TypeNode }
  | ObjectNode;

export const UNKNOWN: TypeNode = { kind: "unknown" };
export const NEVER: TypeNode = { kind: "keyword", name: "never" };
export const NULL: TypeNode = { kind: "keyword", name: "null" };
/** Only in an index signature covering optional members (structures.ts). */
export const UNDEFINED: TypeNode = { kind: "keyword", name: "undefined" };

/** `unknown`, with a note saying why when the schema said more than we could type. */
export function unknownType(note?: string): TypeNode {
  return note === undefined ? UNKNOWN : { kind: "unknown", note };
}

export function keyword(name: "string" | "number" | "boolean" | "null" | "undefined" | "never"): TypeNode {
  return { kind: "keyword", name };
}

export function ref(target: AliasTarget): RefNode {
  return { kind: "ref", target, broken: false };
}

/** A key for members that are equal when printed alike without looking inside (leaves only). */
function leafKey(node: TypeNode): string | object | undefined {
  if (node.kind === "keyword") return `k:${node.name}`;
  if (node.kind === "literal") return `l:${node.text}`;
  if (node.kind === "ref" && !node.broken) return node.target;
  return undefined;
}

function flatten(kind: "union" | "intersection", members: readonly TypeNode[]): TypeNode[] {
  const out: TypeNode[] = [];
  const seen = new Set<string | object>();
  for (const member of members) {
    for (const inner of member.kind === kind ? member.members : [member]) {
      const key = leafKey(inner);
      if (key !== undefined) {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      out.push(inner);
    }
  }
  return out;
}

/** `A | B`: any `unknown` member makes the whole union `unknown`; `never` members vanish. */
export function union(members: readonly TypeNode[]): TypeNode {
  const flat = flatten("union", members);
  const unknown = flat.find((member) => member.kind === "unknown");
  if (unknown !== undefined) return unknown;
  const kept = flat.filter((member) => !(member.kind === "keyword" && member.name === "never"));
  if (kept.length === 0) return NEVER;
  return kept.length === 1 ? (kept[0] as TypeNode) : { kind: "union", members: kept };
}

/**
 * `A & B`: `never` absorbs; a plain `unknown` is the identity. An `unknown` carrying a note is kept
 * (an unresolved reference beside properties is still the properties, and its note stays visible).
 */
export function intersection(members: readonly TypeNode[]): TypeNode {
  const flat = flatten("intersection", members);
  if (flat.some((member) => member.kind === "keyword" && member.name === "never")) return NEVER;
  const kept = flat.filter((member) => member.kind !== "unknown" || member.note !== undefined);
  if (kept.length === 0) return UNKNOWN;
  const typed = kept.filter((member) => member.kind !== "unknown");
  if (typed.length === 0) return kept[0] as TypeNode;
  return kept.length === 1 ? (kept[0] as TypeNode) : { kind: "intersection", members: kept };
}

/**
 * Calls `visit` on every reference in `node` that is still followed (not broken). With `directOnly`,
 * only those TypeScript resolves eagerly (cycles.ts says why that matters): union and intersection
 * members, and, found anywhere outside an object type, whatever sits in an array or tuple nested in
 * an optional or rest tuple element (`type A = [[A]?] | null` and `[string, ...A[][]] | null` are
 * both "circularly references itself": TypeScript adds `undefined` to the optional element and
 * normalises the rest eagerly). Objects always defer.
 */
export function eachRef(node: TypeNode, visit: (ref: RefNode) => void, directOnly = false): void {
  if (!directOnly) return walk(node, visit, "all");
  walk(node, visit, "eager");
}

/**
 * "all": every reference; "eager": union members only, but arrays and tuples are searched for
 * optional elements; "optional": inside an optional or rest element (a reference there is fine,
 * an array or tuple there is resolved eagerly); "deep": everything short of an object.
 */
type Mode = "all" | "eager" | "lazy" | "optional" | "deep";

function walk(node: TypeNode, visit: (ref: RefNode) => void, mode: Mode): void {
  switch (node.kind) {
    case "ref":
      if (!node.broken && (mode === "all" || mode === "eager" || mode === "deep")) visit(node);
      return;
    case "union":
    case "intersection":
      for (const member of node.members) walk(member, visit, mode);
      return;
    case "array":
      walk(node.element, visit, inside(mode));
      return;
    case "tuple":
      node.elements.forEach((element, i) => walk(element, visit, i < node.required ? inside(mode) : elementMode(mode)));
      if (node.rest !== undefined) walk(node.rest, visit, elementMode(mode));
      return;
    case "object":
      if (mode === "all") {
        for (const member of node.members) walk(member.type, visit, mode);
        if (node.index !== undefined) walk(node.index.type, visit, mode);
      }
      return;
    default:
      return;
  }
}

/** The mode for what an array or tuple contains. */
function inside(mode: Mode): Mode {
  if (mode === "all" || mode === "deep") return mode;
  return mode === "optional" ? "deep" : "lazy";
}

/** The mode for an optional or rest tuple element. */
function elementMode(mode: Mode): Mode {
  if (mode === "all" || mode === "deep") return mode;
  return mode === "optional" ? "deep" : "optional";
}
