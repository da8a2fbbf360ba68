import type { JsonObject, JsonValue } from "../../schemas";
import { maskSealed, SEALED_KEY, sealedBox, WRITE_ONLY } from "../../core/write-only";
import { open, seal } from "./secrets/vault";

/**
 * Write-only arguments (JSON Schema 2020-12 `writeOnly: true`: a connection's secret given to the
 * built-in executor source, a password field of an imported API). The call receives them; nothing
 * that records or shows the call does: the Run's stored input holds them sealed with the vault key
 * (opened only to execute an approved call), its input hash and every screen see "[write-only]",
 * and the result is scrubbed of them like a credential.
 */
export { WRITE_ONLY };

const MAX_DEPTH = 16;

type Schema = Record<string, unknown>;
type Path = string[];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A local `$ref` (`#/$defs/X`, `#/definitions/X`) inside the tool's own schema. */
function deref(root: Schema, node: Schema): Schema {
  const ref = node.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return node;
  let target: unknown = root;
  for (const part of ref.slice(2).split("/")) target = isObject(target) ? target[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
  return isObject(target) ? target : node;
}

/**
 * Schema nodes one walk visits at most. Shared `$defs` make an imported schema a DAG that a walk by
 * path can revisit exponentially often (ten properties each referring to a definition with ten
 * more…); the walk stops at this many nodes, whatever the schema (DESIGN invariant 10).
 */
const MAX_NODES = 5_000;

/** Paths found per schema object: a call walks its tool's schema once, not once per use. */
const found = new WeakMap<object, Path[]>();

/** The property paths an input schema marks write-only (through properties, allOf and local $refs). */
export function writeOnlyPaths(schema: JsonObject | null | undefined): Path[] {
  if (!schema) return [];
  const known = found.get(schema);
  if (known) return known;
  const root = schema as Schema;
  const out: Path[] = [];
  let visits = 0;
  const walk = (node: unknown, path: Path, depth: number, seen: ReadonlySet<unknown>): void => {
    if (!isObject(node) || depth > MAX_DEPTH || ++visits > MAX_NODES) return;
    const resolved = deref(root, node);
    if (seen.has(resolved)) return;
    const next = new Set(seen).add(resolved);
    if (resolved.writeOnly === true && path.length > 0) {
      out.push(path);
      return;
    }
    const props = resolved.properties;
    if (isObject(props)) for (const [key, sub] of Object.entries(props)) walk(sub, [...path, key], depth + 1, next);
    for (const key of ["allOf", "anyOf", "oneOf"] as const) {
      const list = resolved[key];
      if (Array.isArray(list)) for (const sub of list) walk(sub, path, depth + 1, next);
    }
  };
  walk(root, [], 0, new Set());
  found.set(schema, out);
  return out;
}

/** A copy of `args` with the value at each path replaced (when present). */
function replaceAt(args: JsonObject, paths: Path[], replace: (value: JsonValue) => JsonValue): JsonObject {
  const copy = structuredClone(args);
  for (const path of paths) {
    let node: unknown = copy;
    for (const key of path.slice(0, -1)) node = isObject(node) ? node[key] : undefined;
    const last = path[path.length - 1];
    if (isObject(node) && last !== undefined && node[last] !== undefined) node[last] = replace(node[last] as JsonValue);
  }
  return copy;
}

/** The plaintext write-only values of a call: what its result and errors are scrubbed of. */
export function writeOnlyValues(schema: JsonObject | null | undefined, args: JsonObject): string[] {
  const values: string[] = [];
  replaceAt(args, writeOnlyPaths(schema), (value) => {
    if (typeof value === "string" && value !== "") values.push(value);
    else if (value !== null) values.push(JSON.stringify(value));
    return value;
  });
  return values;
}

/** The arguments as they are hashed and shown: every write-only value is "[write-only]". */
export function maskWriteOnly(schema: JsonObject | null | undefined, args: JsonObject): JsonObject {
  const paths = writeOnlyPaths(schema);
  return paths.length ? replaceAt(args, paths, () => WRITE_ONLY) : args;
}

function sealScope(orgId: string): string {
  // Not a scope id (those never hold ':'), so a sealed argument can never open as a vault secret.
  return `write-only:${orgId}`;
}

/** The arguments as the Run stores them: each write-only value sealed (AES-256-GCM, fresh IV). */
export async function sealWriteOnly(vaultKey: string, orgId: string, schema: JsonObject | null | undefined, args: JsonObject): Promise<JsonObject> {
  const paths = writeOnlyPaths(schema);
  if (!paths.length) return args;
  const sealed = await Promise.all(
    writeOnlyValuesAt(args, paths).map(async ({ path, value }) => ({ path, box: await seal(vaultKey, sealScope(orgId), JSON.stringify(value)) })),
  );
  let out = args;
  for (const { path, box } of sealed) out = replaceAt(out, [path], () => ({ [SEALED_KEY]: box }));
  return out;
}

function writeOnlyValuesAt(args: JsonObject, paths: Path[]): Array<{ path: Path; value: JsonValue }> {
  const found: Array<{ path: Path; value: JsonValue }> = [];
  for (const path of paths) replaceAt(args, [path], (value) => (found.push({ path, value }), value));
  return found;
}

/** Stored arguments with their sealed values opened, to execute an approved call (trusted code only). */
export async function openWriteOnly(vaultKey: string, orgId: string, schema: JsonObject | null | undefined, stored: JsonObject): Promise<JsonObject> {
  const paths = writeOnlyPaths(schema);
  const boxes = writeOnlyValuesAt(stored, paths).flatMap(({ path, value }) => {
    const box = sealedBox(value);
    return box ? [{ path, box }] : [];
  });
  let out = stored;
  for (const { path, box } of boxes) {
    const value = JSON.parse(await open(vaultKey, sealScope(orgId), box)) as JsonValue;
    out = replaceAt(out, [path], () => value);
  }
  return out;
}

/** A stored input as people and agents see it (approval screens, Run pages): sealed values are "[write-only]". */
export function shownInput(value: JsonValue | null): JsonValue | null {
  return maskSealed(value);
}
