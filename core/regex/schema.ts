import type { JsonObject, JsonValue } from "../../schemas";
import { compileLinear } from "./compile";

/**
 * The import-time half of DESIGN invariant 10: every `pattern` and `patternProperties` key of a
 * tool's input schema is compiled for the linear engine, and one it cannot run (lookaround,
 * backreferences, RE2's limits) is removed from the stored schema, so the tool stays callable with
 * every other keyword enforced and a note saying what was dropped (tool-note.ts). A pattern that is
 * not valid ECMA-262 at all is kept: the call is then refused as an invalid schema, as before.
 *
 * The walk visits what @cfworker/json-schema's `dereference` visits, so every subschema a `$ref` can
 * reach is checked: the values of `$defs`, `definitions`, `properties`, `patternProperties` and
 * `dependentSchemas`; the items of `allOf`, `anyOf`, `oneOf`, `prefixItems` and an array `items`;
 * and any other object-valued keyword except the data and scalar keywords in IGNORED. Schemas that
 * plugins share between tools (sources/openapi/schemas.ts) are never mutated: a changed node is a
 * copy, an unchanged one is returned as is, and each node is walked once per manifest.
 */

export type DroppedPattern = {
  /** JSON Pointer (RFC 6901) of the keyword inside the tool's input schema. */
  readonly at: string;
  readonly keyword: "pattern" | "patternProperties";
  readonly pattern: string;
  readonly reason: string;
};

/** Keywords whose values are never schemas (@cfworker/json-schema dereference.js `ignoredKeyword`). */
const IGNORED = new Set([
  "id", "$id", "$ref", "$schema", "$anchor", "$vocabulary", "$comment", "default", "enum", "const", "required",
  "dependentRequired", "type", "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "multipleOf",
  "maxLength", "minLength", "pattern", "format", "maxItems", "minItems", "uniqueItems", "maxProperties", "minProperties",
]);
const SCHEMA_ARRAYS = new Set(["prefixItems", "items", "allOf", "anyOf", "oneOf"]);
const SCHEMA_MAPS = new Set(["$defs", "definitions", "properties", "patternProperties", "dependentSchemas"]);
/** Beyond this nesting the walk stops; the validator's linear-engine stand-in still refuses what is left. */
const MAX_DEPTH = 256;

type Walked = { readonly node: JsonValue; readonly dropped: readonly DroppedPattern[] };

/** One walk per manifest: results by node (shared schemas are walked once) and compile results by pattern. */
export class PatternChecker {
  readonly #nodes = new WeakMap<object, Walked>();
  readonly #reasons = new Map<string, string | null>();
  readonly #active = new WeakSet<object>();

  /** The schema with every pattern the linear engine cannot run removed, and what was removed. */
  check(schema: JsonObject): { schema: JsonObject; dropped: readonly DroppedPattern[] } {
    const walked = this.#walk(schema, 0);
    return { schema: walked.node as JsonObject, dropped: walked.dropped };
  }

  /** Why the linear engine cannot run `pattern`, or null when it can (or when it is not a pattern at all). */
  #unsupported(pattern: string): string | null {
    let reason = this.#reasons.get(pattern);
    if (reason === undefined) {
      const compiled = compileLinear(pattern);
      reason = !compiled.ok && compiled.kind === "unsupported" ? compiled.reason : null;
      this.#reasons.set(pattern, reason);
    }
    return reason;
  }

  #walk(node: JsonValue, depth: number): Walked {
    if (node === null || typeof node !== "object" || Array.isArray(node) || depth > MAX_DEPTH || this.#active.has(node)) {
      return { node, dropped: [] };
    }
    const known = this.#nodes.get(node);
    if (known !== undefined) return known;
    this.#active.add(node);
    const walked = this.#schema(node, depth);
    this.#active.delete(node);
    this.#nodes.set(node, walked);
    return walked;
  }

  #schema(schema: JsonObject, depth: number): Walked {
    const dropped: DroppedPattern[] = [];
    const child = (value: JsonValue, at: string): JsonValue => {
      const walked = this.#walk(value, depth + 1);
      for (const d of walked.dropped) dropped.push({ ...d, at: at + d.at });
      return walked.node;
    };
    const changes: Array<[string, JsonValue]> = [];
    for (const [keyword, value] of Object.entries(schema)) {
      if (IGNORED.has(keyword) || value === null || typeof value !== "object") continue;
      const at = `/${pointerToken(keyword)}`;
      if (Array.isArray(value)) {
        if (!SCHEMA_ARRAYS.has(keyword)) continue;
        const items = value.map((item, i) => child(item, `${at}/${i}`));
        if (items.some((item, i) => item !== value[i])) changes.push([keyword, items]);
      } else if (SCHEMA_MAPS.has(keyword)) {
        const entries = Object.entries(value).map(([name, sub]) => [name, sub, child(sub, `${at}/${pointerToken(name)}`)] as const);
        if (entries.some(([, before, after]) => before !== after)) changes.push([keyword, Object.fromEntries(entries.map(([name, , after]) => [name, after]))]);
      } else {
        const walked = child(value, at);
        if (walked !== value) changes.push([keyword, walked]);
      }
    }
    let out: JsonObject = changes.length > 0 ? { ...schema, ...Object.fromEntries(changes) } : schema;
    const pattern = schema.pattern;
    if (typeof pattern === "string") {
      const reason = this.#unsupported(pattern);
      if (reason !== null) {
        const { pattern: _dropped, ...rest } = out;
        out = rest;
        dropped.push({ at: "/pattern", keyword: "pattern", pattern, reason });
      }
    }
    const patterns = out.patternProperties;
    if (patterns !== null && typeof patterns === "object" && !Array.isArray(patterns)) {
      out = this.#patternProperties(out, patterns, dropped);
    }
    return { node: out, dropped };
  }

  /**
   * Drops the keys the linear engine cannot run. A key that is gone no longer exempts the properties
   * it matched from `additionalProperties` / `unevaluatedProperties`, so those now also accept what
   * the dropped subschema accepted (`anyOf`): dropping only ever widens what the schema accepts.
   */
  #patternProperties(schema: JsonObject, patterns: JsonObject, dropped: DroppedPattern[]): JsonObject {
    const kept: JsonObject = {};
    const removed: JsonValue[] = [];
    for (const [key, sub] of Object.entries(patterns)) {
      const reason = this.#unsupported(key);
      if (reason === null) {
        kept[key] = sub;
        continue;
      }
      removed.push(sub);
      dropped.push({ at: `/patternProperties/${pointerToken(key)}`, keyword: "patternProperties", pattern: key, reason });
    }
    if (removed.length === 0) return schema;
    const { patternProperties: _all, ...rest } = schema;
    const out: JsonObject = Object.keys(kept).length > 0 ? { ...rest, patternProperties: kept } : rest;
    for (const fallback of ["additionalProperties", "unevaluatedProperties"] as const) {
      const current = out[fallback];
      if (current !== undefined && current !== true) out[fallback] = { anyOf: [...removed, current] };
    }
    return out;
  }
}

/** RFC 6901 §3: `~` → `~0`, `/` → `~1`. */
function pointerToken(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}
