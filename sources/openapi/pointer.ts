import type { JsonObject, JsonValue } from "../../schemas";
import { PluginError } from "../types";
import { isObject } from "./json";

/** How many `$ref` hops one object may take before we call it a cycle. */
const MAX_REF_HOPS = 32;

/**
 * RFC 6901 over a URI fragment (RFC 3986 §3.5): `#/components/schemas/a~1b` → ["components", "schemas", "a/b"].
 * Only document-local references are supported; `null` for anything else.
 */
export function parseLocalRef(ref: string): string[] | null {
  if (!ref.startsWith("#")) return null;
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return null;
  }
  if (fragment === "") return [];
  if (!fragment.startsWith("/")) return null;
  return fragment
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The value a local `$ref` points at; a precise PluginError when it is external or dangling. */
export function resolveRef(root: JsonObject, ref: string, where: string): JsonValue {
  const segments = parseLocalRef(ref);
  if (segments === null) {
    throw new PluginError("unsupported", `${where}: $ref "${ref.slice(0, 200)}" points outside the document; bundle the document into one file first`);
  }
  let node: JsonValue = root;
  for (const segment of segments) {
    const next: JsonValue | undefined = Array.isArray(node)
      ? /^(0|[1-9]\d*)$/.test(segment)
        ? node[Number(segment)]
        : undefined
      : isObject(node) && Object.hasOwn(node, segment)
        ? node[segment]
        : undefined;
    if (next === undefined) {
      throw new PluginError("invalid_document", `${where}: $ref "${ref.slice(0, 200)}" points at nothing in the document`);
    }
    node = next;
  }
  return node;
}

/**
 * Follows a Reference Object (parameter, request body, response …) to the object it stands for.
 * Schemas are not dereferenced this way: they keep their `$ref`s (see schemas.ts).
 */
export function deref(root: JsonObject, value: JsonValue | undefined, where: string): JsonObject {
  let node = value;
  const seen: string[] = [];
  while (isObject(node) && typeof node.$ref === "string") {
    if (seen.includes(node.$ref) || seen.length >= MAX_REF_HOPS) {
      throw new PluginError("invalid_document", `${where}: $ref "${node.$ref.slice(0, 200)}" is part of a reference cycle`);
    }
    seen.push(node.$ref);
    node = resolveRef(root, node.$ref, where);
  }
  if (!isObject(node)) throw new PluginError("invalid_document", `${where} must be an object`);
  return node;
}
