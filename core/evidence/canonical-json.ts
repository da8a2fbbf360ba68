import { DomainError } from "../errors";

/**
 * RFC 8785 (JSON Canonicalization Scheme). Object members are sorted by their names' UTF-16 code units
 * (§3.2.3, which is exactly JavaScript's default string order), no whitespace is emitted (§3.2.1), and
 * primitives are serialized as ECMAScript's JSON.stringify does (§3.2.2: numbers by Number.prototype
 * .toString, so -0 → 0 and 1e30 → 1e+30; strings with the minimal escapes).
 *
 * Deviation, on purpose: a lone surrogate (not I-JSON, RFC 7493) is escaped as `\udXXX` the way
 * well-formed JSON.stringify does, instead of being refused, so hashing any JSON.parse output never fails.
 * For I-JSON input the output is byte-identical to JCS.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, "$", new Set<object>(), out);
  return out.join("");
}

function refuse(path: string, what: string): never {
  throw new DomainError("not_canonicalizable", `value at ${path} ${what}; it has no canonical JSON form`, {
    field: path,
  });
}

function write(value: unknown, path: string, stack: Set<object>, out: string[]): void {
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "number":
      // §3.2.2.3: NaN and ±Infinity are not JSON; JSON.stringify would silently turn them into null.
      if (!Number.isFinite(value)) refuse(path, `is ${String(value)}`);
      out.push(JSON.stringify(value));
      return;
    case "object":
      if (value === null) {
        out.push("null");
        return;
      }
      if (stack.has(value)) refuse(path, "is a reference cycle");
      stack.add(value);
      if (Array.isArray(value)) writeArray(value, path, stack, out);
      else writeObject(value, path, stack, out);
      stack.delete(value);
      return;
    default:
      // undefined (top level or in an array), function, symbol, bigint.
      refuse(path, `is ${typeof value}`);
  }
}

function writeArray(items: readonly unknown[], path: string, stack: Set<object>, out: string[]): void {
  out.push("[");
  // Index loop, not forEach: holes in a sparse array read as undefined and are refused, not skipped.
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.push(",");
    write(items[i], `${path}[${i}]`, stack, out);
  }
  out.push("]");
}

function writeObject(value: object, path: string, stack: Set<object>, out: string[]): void {
  const tag = Object.prototype.toString.call(value);
  // Date, Map, Set, typed arrays …: JSON.stringify would emit {} or call toJSON; make the caller decide.
  if (tag !== "[object Object]") refuse(path, `is a ${tag.slice(8, -1)}, not a plain object`);
  const record = value as Readonly<Record<string, unknown>>;
  out.push("{");
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue; // like JSON.stringify: an undefined member is absent
    if (!first) out.push(",");
    first = false;
    out.push(JSON.stringify(key), ":");
    write(member, `${path}.${key}`, stack, out);
  }
  out.push("}");
}
