import type { JsonObject, JsonValue } from "../../schemas";
import { isObject } from "./json";
import { parseLocalRef } from "./pointer";

/**
 * Leaves out the component schemas nothing else in the document can reach, before a 3.0 document
 * is upgraded (document.ts). The upgrade copies every node it visits, and tools are only ever built
 * from what a `$ref` chain starting outside `components.schemas` reaches: GitHub's description
 * holds 969 schemas (142,000 JSON values), of which its operations reach 625 (32,000 values), the
 * rest serving its webhooks. The 3.0 → 3.1 upgrade rewrites each node by its own path alone, so the
 * schemas that remain upgrade exactly as they would have in the whole document.
 *
 * Conservative by construction: every `$ref` string anywhere outside `components.schemas` is a root
 * (data values and extensions included), and a reference whose target cannot be named as one
 * component schema (another document, an anchor, the schemas map or an ancestor of it) keeps them all.
 */
export function withoutUnreachableSchemas(root: JsonObject): JsonObject {
  const components = root.components;
  if (!isObject(components) || !isObject(components.schemas)) return root;
  const schemas = components.schemas;
  const reached = new Set<string>();
  const queue: string[] = [];
  // GitHub's operations hold ~25,000 references to far fewer targets: each is parsed once.
  const followed = new Set<string>();
  const follow = (ref: string): boolean => {
    if (followed.has(ref)) return true;
    followed.add(ref);
    const segments = parseLocalRef(ref);
    if (segments === null) return false;
    const [first, second, name] = segments;
    if (first !== "components" || second !== "schemas") {
      // Anything outside the schemas map is walked whole already, unless it contains the map.
      return !(segments.length === 0 || (first === "components" && segments.length === 1));
    }
    if (name === undefined) return false;
    if (!reached.has(name)) {
      reached.add(name);
      queue.push(name);
    }
    return true;
  };

  const outside: JsonValue[] = [];
  for (const [key, value] of Object.entries(root)) if (key !== "components") outside.push(value);
  for (const [key, value] of Object.entries(components)) if (key !== "schemas") outside.push(value);
  if (!refsWithin(outside, follow)) return root;
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (!Object.hasOwn(schemas, name)) continue; // dangling: resolution reports it later
    const schema = schemas[name];
    if (schema !== undefined && !refsWithin([schema], follow)) return root;
  }

  // In the document's own order, so nothing downstream sees a different iteration order; built as
  // own properties (a schema may be named `__proto__`), as JSON.parse made them.
  const kept = Object.entries(schemas).filter(([name]) => reached.has(name));
  if (kept.length === Object.keys(schemas).length) return root;
  return { ...root, components: { ...components, schemas: Object.fromEntries(kept) } };
}

/** Calls `follow` on every `$ref` string under `values`; false as soon as one answers false. */
function refsWithin(values: JsonValue[], follow: (ref: string) => boolean): boolean {
  const stack: Array<JsonObject | JsonValue[]> = [];
  const push = (value: JsonValue | undefined): void => {
    if (typeof value === "object" && value !== null) stack.push(value);
  };
  values.forEach(push);
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (Array.isArray(node)) {
      node.forEach(push);
      continue;
    }
    // Keys, not entries: no pair is allocated per member of a ~100,000-value walk.
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (key === "$ref" && typeof value === "string") {
        if (!follow(value)) return false;
      } else {
        push(value);
      }
    }
  }
  return true;
}
