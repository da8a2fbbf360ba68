import { ToolName } from "../../schemas";

const MAX_NAME = 128;

/**
 * A ToolName (schemas/common.ts: `^[A-Za-z0-9_][A-Za-z0-9_./-]{0,127}$`) from an operationId: every
 * other character becomes `_`, runs of `_` collapse, and a leading `.`, `/` or `-` gets a `_` before it.
 */
export function sanitizeName(raw: string): string {
  let name = raw.replace(/[^A-Za-z0-9_./-]+/g, "_").replace(/_{2,}/g, "_");
  if (name.length > 1) name = name.replace(/_$/, "");
  if (name === "" || name === "_") return "_";
  if (!/^[A-Za-z0-9_]/.test(name)) name = `_${name}`;
  return name.slice(0, MAX_NAME);
}

/** `GET /pets/{petId}` → `get_pets_petId`: the name of an operation without an operationId. */
export function derivedName(method: string, path: string): string {
  const words = path
    .split("/")
    .map((segment) => segment.replace(/[{}]/g, ""))
    .filter((segment) => segment !== "");
  return sanitizeName([method.toLowerCase(), ...words].join("_"));
}

/**
 * Unique names for operations in a fixed order (the caller sorts them by path, then method). The
 * first operation to claim a name keeps it; later ones get `_2`, `_3` … (shortened to stay within
 * 128 characters), skipping any name already taken.
 */
export function uniqueNames(candidates: readonly string[]): string[] {
  const taken = new Set<string>();
  return candidates.map((candidate) => {
    let name = candidate;
    for (let n = 2; taken.has(name); n++) {
      const suffix = `_${n}`;
      name = `${candidate.slice(0, MAX_NAME - suffix.length)}${suffix}`;
    }
    taken.add(name);
    // The sanitizer guarantees the grammar; this asserts it once at the boundary.
    return ToolName.parse(name);
  });
}
