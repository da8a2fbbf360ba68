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
export function canonicalJson(value: unknown, shared?: SharedTexts): string {
  const out: string[] = [];
  write(value, "$", new Set<object>(), out, shared);
  return out.join("");
}

/**
 * For canonicalizing many values that share objects (the tools of one manifest share their `$defs`
 * schemas): an object met a second time is canonicalized once more and its text kept, so every later
 * meeting copies the text instead of sorting and writing the object again. The output is unchanged.
 * Only for values nobody mutates while the cache is in use: a kept text is never checked again.
 */
export class SharedTexts {
  readonly texts = new WeakMap<object, string>();
  readonly seen = new WeakSet<object>();
}

function refuse(path: string, what: string): never {
  throw new DomainError("not_canonicalizable", `value at ${path} ${what}; it has no canonical JSON form`, {
    field: path,
  });
}

function write(value: unknown, path: string, stack: Set<object>, out: string[], shared: SharedTexts | undefined): void {
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
      if (shared !== undefined) {
        const text = shared.texts.get(value);
        if (text !== undefined) {
          out.push(text);
          return;
        }
      }
      // Only objects met before are kept: most are met once, and joining each one's text would cost more.
      const keep = shared !== undefined && shared.seen.has(value);
      if (shared !== undefined && !keep) shared.seen.add(value);
      const start = out.length;
      stack.add(value);
      if (Array.isArray(value)) writeArray(value, path, stack, out, shared);
      else writeObject(value, path, stack, out, shared);
      stack.delete(value);
      if (keep) {
        const text = out.splice(start).join("");
        shared?.texts.set(value, text);
        out.push(text);
      }
      return;
    default:
      // undefined (top level or in an array), function, symbol, bigint.
      refuse(path, `is ${typeof value}`);
  }
}

function writeArray(items: readonly unknown[], path: string, stack: Set<object>, out: string[], shared: SharedTexts | undefined): void {
  out.push("[");
  // Index loop, not forEach: holes in a sparse array read as undefined and are refused, not skipped.
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.push(",");
    write(items[i], `${path}[${i}]`, stack, out, shared);
  }
  out.push("]");
}

function writeObject(value: object, path: string, stack: Set<object>, out: string[], shared: SharedTexts | undefined): void {
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
    write(member, `${path}.${key}`, stack, out, shared);
  }
  out.push("}");
}
