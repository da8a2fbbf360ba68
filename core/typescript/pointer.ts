/**
 * Local `$ref`s: a URI fragment holding a JSON Pointer into the schema's own document (JSON Schema
 * 2020-12 §8.2.3.1; draft-07 §8.3; OpenAPI 3.0 Reference Object). What cannot be followed inside the
 * document (another document, a plain-name `$anchor`, a `$dynamicRef`) is reported, never fetched.
 */

export type Pointer = { readonly ok: true; readonly segments: readonly string[]; readonly key: string } | { readonly ok: false; readonly reason: string };

/** Longer pointers than this are not followed (no schema we import nests a `$ref` target this deep). */
const MAX_SEGMENTS = 64;

/**
 * Parses `ref` relative to a document whose `$id` is `baseId` (a ref may repeat the document's own
 * `$id` before the fragment). RFC 3986 §3.5: the fragment is percent-decoded; RFC 6901 §4: `~1` is
 * `/` and `~0` is `~`, in that order. `key` is a normal form, so `#/$defs/a%2Db` and `#/$defs/a-b`
 * name the same target.
 */
export function parsePointer(ref: string, baseId: string | undefined): Pointer {
  const hash = ref.indexOf("#");
  const base = hash < 0 ? ref : ref.slice(0, hash);
  if (base !== "" && base !== baseId) return { ok: false, reason: "reference to another document" };
  if (hash < 0) return { ok: true, segments: [], key: "" };
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(hash + 1));
  } catch {
    return { ok: false, reason: "malformed reference" };
  }
  if (fragment === "") return { ok: true, segments: [], key: "" };
  if (!fragment.startsWith("/")) return { ok: false, reason: "anchor references are not followed" };
  const segments = fragment.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (segments.length > MAX_SEGMENTS) return { ok: false, reason: "reference too deep" };
  return { ok: true, segments, key: fragment };
}

export type Resolved = { readonly ok: true; readonly target: unknown } | { readonly ok: false; readonly reason: string };

/** RFC 6901 §4 evaluation over own members only (`#/$defs/constructor` is not Object.prototype's). */
export function resolvePointer(root: unknown, segments: readonly string[]): Resolved {
  let node: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9][0-9]*)$/.test(segment) || Number(segment) >= node.length) return { ok: false, reason: "unresolved reference" };
      node = node[Number(segment)];
    } else if (typeof node === "object" && node !== null && Object.hasOwn(node, segment)) {
      node = (node as Record<string, unknown>)[segment];
    } else {
      return { ok: false, reason: "unresolved reference" };
    }
  }
  if (typeof node !== "boolean" && (typeof node !== "object" || node === null || Array.isArray(node))) {
    return { ok: false, reason: "reference to something that is not a schema" };
  }
  return { ok: true, target: node };
}

/** The document's `$id` (2020-12) or `id` (draft-04), when it has one: refs may be written against it. */
export function documentId(root: unknown): string | undefined {
  if (typeof root !== "object" || root === null) return undefined;
  const record = root as Record<string, unknown>;
  const id = typeof record["$id"] === "string" ? record["$id"] : record["id"];
  return typeof id === "string" ? id.split("#")[0] : undefined;
}

const MAX_WALK_DEPTH = 256;

/**
 * Every `$ref` string anywhere in `schema`, each once. Deliberately over-inclusive (a `$ref` inside an
 * `enum` value counts too): it is used to prove two definitions equal, where one reference too many
 * only makes the proof stricter and one too few could make it wrong. Null past MAX_WALK_DEPTH: then
 * nothing is proved.
 */
export function refsIn(schema: unknown): string[] | null {
  const out = new Set<string>();
  const stack: Array<{ node: unknown; depth: number }> = [{ node: schema, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, depth } = item;
    if (typeof node !== "object" || node === null) continue;
    if (depth > MAX_WALK_DEPTH) return null;
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") out.add(value);
      else stack.push({ node: value, depth: depth + 1 });
    }
  }
  return [...out];
}
