import type { JsonObject, JsonValue } from "../../schemas";

const DEFS = ["$defs", "definitions"] as const;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `Pet` → a component name unique in the document, prefixed by the tool (`PetsListPets_Pet`). */
function componentName(prefix: string, def: string, taken: Set<string>): string {
  const base = `${prefix}_${def.replace(/[^A-Za-z0-9._-]/g, "_")}`.slice(0, 120);
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

/**
 * Moves a tool schema's local definitions (`$defs`, `definitions`) into `components/schemas` and points
 * every `$ref` at them, so they resolve inside one OpenAPI document (OAS 3.1 §4.8.24: a `$ref` in a
 * Schema Object is resolved against the document it appears in). A ref that points at nothing local
 * becomes `{}` with a note. The input is never changed.
 */
export function hoistSchema(schema: JsonObject, prefix: string, components: Record<string, JsonValue>, taken: Set<string>): JsonObject {
  const renamed = new Map<string, string>();
  for (const key of DEFS) {
    const defs = schema[key];
    if (!isObject(defs)) continue;
    for (const def of Object.keys(defs).sort()) renamed.set(`#/${key}/${def}`, componentName(prefix, def, taken));
  }
  const rewrite = (value: JsonValue, depth: number): JsonValue => {
    if (depth > 256) return {};
    if (Array.isArray(value)) return value.map((v) => rewrite(v, depth + 1));
    if (!isObject(value)) return value;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (depth === 0 && (DEFS as readonly string[]).includes(k)) continue;
      if (k === "$ref" && typeof v === "string") {
        const target = renamed.get(v) ?? null;
        if (target === null) return { description: `unresolved reference ${v.slice(0, 200)} in the tool's schema` };
        out.$ref = `#/components/schemas/${target}`;
        continue;
      }
      out[k] = rewrite(v, depth + 1);
    }
    return out;
  };
  for (const key of DEFS) {
    const defs = schema[key];
    if (!isObject(defs)) continue;
    for (const [def, body] of Object.entries(defs)) {
      const name = renamed.get(`#/${key}/${def}`);
      if (name) components[name] = rewrite(body, 1);
    }
  }
  return rewrite(schema, 0) as JsonObject;
}
