import type { JsonObject, JsonValue } from "../../schemas";
import { PluginError } from "../types";
import { isObject } from "./json";
import { parseLocalRef, resolveRef } from "./pointer";

/**
 * Turns OpenAPI 3.1 schemas (JSON Schema 2020-12) into self-contained tool schemas.
 *
 * Circular schemas: every `$ref` stays a `$ref`, rewritten to point into the tool schema's own
 * `$defs` (`#/components/schemas/Pet` → `#/$defs/Pet`), and `$defs` holds the transitive closure of
 * what the tool references. A recursive type (a tree node whose children are tree nodes) is then a
 * finite schema that any 2020-12 validator follows lazily; nothing is ever expanded inline, so no
 * input can make resolution loop. Inline nesting deeper than MAX_DEPTH is cut to `{}` (accept anything).
 *
 * Each referenced schema is rewritten once per document and the same object is shared by every tool
 * that uses it: GitHub's 1,223 tools serialize to ~9 MB of JSON but hold far less heap. A manifest is
 * therefore a value to serialize, not to mutate. (Freezing the shared objects is not an option:
 * @cfworker/json-schema annotates the schemas it compiles.)
 */
const MAX_DEPTH = 64;

/** Component names are `^[a-zA-Z0-9.\-_]+$` (OAS 3.1 §4.8.7.1): those keep their name as the `$defs` key. */
const PLAIN_NAME = /^[A-Za-z0-9._-]{1,128}$/;

/** Keywords whose values are data, not schemas: never rewritten. */
const DATA_KEYWORDS = new Set(["enum", "const", "default", "examples", "example", "discriminator", "xml", "externalDocs"]);

/** Keywords whose values map arbitrary names to schemas. */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

interface Definition {
  readonly schema: JsonValue;
  readonly refs: ReadonlySet<string>;
}

export class SchemaRegistry {
  readonly #root: JsonObject;
  /** `$defs` key → the `$ref` it came from, for keys not yet materialized. */
  readonly #pending = new Map<string, string>();
  readonly #definitions = new Map<string, Definition>();

  constructor(root: JsonObject) {
    this.#root = root;
  }

  /** A copy of `schema` whose `$ref`s point into `$defs`; the keys it needs are added to `refs`. */
  rewrite(schema: JsonValue, refs: Set<string>): JsonValue {
    return this.#schema(schema, 0, refs);
  }

  /** The `$defs` section for a tool schema: the transitive closure of `refs`, sorted by key. */
  definitions(refs: ReadonlySet<string>): JsonObject | undefined {
    if (refs.size === 0) return undefined;
    const seen = this.#closure(refs);
    const out: JsonObject = {};
    for (const key of [...seen].sort()) out[key] = this.#definition(key).schema;
    return out;
  }

  /**
   * How many characters of JSON `$defs` for `refs` would take, without building it: each
   * definition's size is measured once per document (a tool's output closure can be the whole
   * component graph: Stripe's is ~670 KB per tool).
   */
  definitionsChars(refs: ReadonlySet<string>): number {
    let chars = 0;
    for (const key of this.#closure(refs)) chars += this.#chars(key);
    return chars;
  }

  #closure(refs: ReadonlySet<string>): Set<string> {
    const seen = new Set<string>();
    const queue = [...refs];
    for (let key = queue.pop(); key !== undefined; key = queue.pop()) {
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push(...this.#definition(key).refs);
    }
    return seen;
  }

  readonly #sizes = new Map<string, number>();

  #chars(key: string): number {
    let size = this.#sizes.get(key);
    if (size === undefined) {
      size = JSON.stringify(key).length + 1 + JSON.stringify(this.#definition(key).schema).length + 1;
      this.#sizes.set(key, size);
    }
    return size;
  }

  #definition(key: string): Definition {
    const known = this.#definitions.get(key);
    if (known !== undefined) return known;
    const ref = this.#pending.get(key) ?? "#";
    const refs = new Set<string>();
    const definition: Definition = { schema: this.#schema(this.#target(ref), 0, refs), refs };
    this.#definitions.set(key, definition);
    return definition;
  }

  /** A reference that cannot be followed becomes a permissive schema saying so, not a failed import. */
  #target(ref: string): JsonValue {
    try {
      return resolveRef(this.#root, ref, "schema");
    } catch (error) {
      if (!(error instanceof PluginError)) throw error;
      return { $comment: `unresolved reference ${ref.slice(0, 200)}` };
    }
  }

  #schema(node: JsonValue, depth: number, refs: Set<string>): JsonValue {
    if (Array.isArray(node)) return node.map((item) => this.#schema(item, depth + 1, refs));
    if (!isObject(node)) return node;
    if (depth > MAX_DEPTH) return {};
    const out: JsonObject = {};
    for (const [keyword, value] of Object.entries(node)) {
      if (keyword === "$ref" && typeof value === "string") out.$ref = this.#ref(value, refs);
      // Specification extensions are vendor data, not JSON Schema: dropped (they may hold dangling $refs).
      else if (keyword.startsWith("x-")) continue;
      else if (DATA_KEYWORDS.has(keyword)) out[keyword] = value;
      else if (SCHEMA_MAPS.has(keyword) && isObject(value)) out[keyword] = this.#map(value, depth + 1, refs);
      else out[keyword] = this.#schema(value, depth + 1, refs);
    }
    return out;
  }

  #map(node: JsonObject, depth: number, refs: Set<string>): JsonObject {
    const out: JsonObject = {};
    for (const [name, schema] of Object.entries(node)) out[name] = this.#schema(schema, depth, refs);
    return out;
  }

  #ref(ref: string, refs: Set<string>): string {
    const key = defKey(ref);
    if (!this.#definitions.has(key) && !this.#pending.has(key)) this.#pending.set(key, ref);
    refs.add(key);
    // RFC 6901 §3 escaping, then RFC 6901 §6 / RFC 3986 §3.5: percent-encode only what a fragment
    // cannot hold (":" "@" and sub-delims stay literal, as validators compare them unescaped).
    const token = encodeURIComponent(key.replace(/~/g, "~0").replace(/\//g, "~1"));
    return `#/$defs/${token.replace(/%(3A|40|24|26|2B|2C|3B|3D)/g, (escape) => decodeURIComponent(escape))}`;
  }
}

/**
 * `#/components/schemas/Pet` → `Pet`; any other pointer keeps its whole (normalized) path behind a
 * `ref:` prefix, which no component name can contain, so two different targets never share a key.
 */
function defKey(ref: string): string {
  const segments = parseLocalRef(ref);
  if (segments === null) return `ref:${ref}`;
  const [first, second, name, ...rest] = segments;
  if (first === "components" && second === "schemas" && name !== undefined && rest.length === 0 && PLAIN_NAME.test(name)) {
    return name;
  }
  return `ref:/${segments.map((s) => s.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
}
