import { z } from "zod";
import type { JsonObject, JsonValue } from "../../schemas";
import { PluginError } from "../types";
import type { InvocationParam, ParamLocation } from "./invocation";
import { ParamStyle } from "./invocation";
import { arrayAt, cleanText, isObject } from "./json";
import { deref } from "./pointer";
import type { SchemaRegistry } from "./schemas";

/** A Parameter Object (OAS 3.1 §4.8.12), only the fields we use; anything else passes through. */
const ParameterObject = z.looseObject({
  name: z.string().min(1).max(256),
  in: z.enum(["path", "query", "header", "cookie"]),
  description: z.string().optional(),
  required: z.boolean().optional(),
  deprecated: z.boolean().optional(),
  style: ParamStyle.optional(),
  explode: z.boolean().optional(),
  // Schemas stay opaque here (they are rewritten, not validated); the document is JSON throughout.
  schema: z.custom<JsonValue>().optional(),
  content: z.record(z.string(), z.custom<JsonValue>()).optional(),
});
type ParameterObject = z.infer<typeof ParameterObject>;

const LOCATION_ORDER: readonly ParamLocation[] = ["path", "query", "header", "cookie"];
const DEFAULT_STYLE: Record<ParamLocation, ParamStyle> = { path: "simple", query: "form", header: "simple", cookie: "form" };
/** OAS 3.1 §4.8.12.1: header parameters with these names SHALL be ignored. */
const IGNORED_HEADERS = new Set(["accept", "content-type", "authorization"]);

export interface Parameters {
  readonly params: InvocationParam[];
  readonly properties: JsonObject;
  readonly required: string[];
}

/**
 * The operation's parameters: path-item ones overridden by the operation's own with the same name and
 * location (§4.8.10.1), plus any `{name}` of the path template nobody declared (as a required string).
 * Each becomes one input property named after the parameter; when two share a name (or one is called
 * `body` while the operation has a body) the later location's key is `<in>_<name>`.
 */
export function collectParameters(
  root: JsonObject,
  registry: SchemaRegistry,
  path: string,
  lists: ReadonlyArray<{ list: JsonValue | undefined; where: string }>,
  reserved: ReadonlySet<string>,
  refs: Set<string>,
): Parameters {
  const byKey = new Map<string, ParameterObject>();
  for (const { list, where } of lists) {
    arrayAt(list)?.forEach((raw, i) => {
      const at = `${where}.parameters[${i}]`;
      const parsed = ParameterObject.safeParse(deref(root, raw, at));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new PluginError("invalid_document", `${at}.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid parameter"}`);
      }
      const p = parsed.data;
      if (p.in === "header" && IGNORED_HEADERS.has(p.name.toLowerCase())) return;
      // RFC 9110 §5.1: header names are case-insensitive, so `X-Id` overrides `x-id`.
      byKey.set(`${p.in}:${p.in === "header" ? p.name.toLowerCase() : p.name}`, p);
    });
  }
  for (const match of path.matchAll(/\{([^{}]+)\}/g)) {
    const name = match[1] ?? "";
    if (!byKey.has(`path:${name}`)) byKey.set(`path:${name}`, { name, in: "path", required: true, schema: { type: "string" } });
  }
  const ordered = [...byKey.values()].sort((a, b) => LOCATION_ORDER.indexOf(a.in) - LOCATION_ORDER.indexOf(b.in));

  const taken = new Set(reserved);
  const out: Parameters = { params: [], properties: {}, required: [] };
  for (const p of ordered) {
    const key = freeKey(p, taken);
    // §4.8.12.2: a path parameter is always required.
    const required = p.in === "path" || p.required === true;
    const json = p.schema === undefined && p.content !== undefined;
    const param: InvocationParam = { key, name: p.name, in: p.in };
    if (required) param.required = true;
    if (p.style !== undefined && p.style !== DEFAULT_STYLE[p.in]) param.style = p.style;
    const defaultExplode = (p.style ?? DEFAULT_STYLE[p.in]) === "form";
    if (p.explode !== undefined && p.explode !== defaultExplode) param.explode = p.explode;
    if (json) param.json = true;
    out.params.push(param);
    out.properties[key] = propertySchema(p, registry, refs);
    if (required) out.required.push(key);
  }
  return out;
}

function freeKey(p: ParameterObject, taken: Set<string>): string {
  let key = taken.has(p.name) ? `${p.in}_${p.name}` : p.name;
  for (let n = 2; taken.has(key); n++) key = `${p.in}_${p.name}_${n}`;
  taken.add(key);
  return key;
}

function propertySchema(p: ParameterObject, registry: SchemaRegistry, refs: Set<string>): JsonValue {
  const source = p.schema ?? firstMediaSchema(p.content) ?? {};
  const rewritten = registry.rewrite(source, refs);
  const schema: JsonObject = isObject(rewritten) ? { ...rewritten } : {};
  if (p.description !== undefined && schema.description === undefined) {
    const description = cleanText(p.description, 1024);
    if (description !== "") schema.description = description;
  }
  if (p.deprecated === true) schema.deprecated = true;
  return schema;
}

function firstMediaSchema(content: Record<string, JsonValue> | undefined): JsonValue | undefined {
  const first = content === undefined ? undefined : Object.values(content)[0];
  return isObject(first) ? first.schema : undefined;
}
