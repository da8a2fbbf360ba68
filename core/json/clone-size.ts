/**
 * The bytes V8's serializer (the structured clone that carries Workers RPC arguments, limited to
 * 32 MiB per message) writes for a JSON value, estimated without recursion, so a caller can refuse a
 * message that cannot be sent instead of failing inside the RPC. Follows V8's ValueSerializer format:
 * a string is its tag, a varint length and one byte per character, or two when any character is
 * above U+00FF (plus one byte of alignment); an object or array seen before is a back-reference;
 * small integers are varints and other numbers eight bytes. On GitHub's manifest and description it
 * is within 1% of V8's own count (core/json/clone-size.test.ts): leave that much margin.
 */
export function cloneBytes(value: unknown): number {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  let bytes = 2; // version header
  while (stack.length > 0) bytes += one(stack.pop(), seen, stack);
  return bytes;
}

/** The bytes of `value` itself; its children are pushed onto `stack`. */
function one(value: unknown, seen: Set<object>, stack: unknown[]): number {
  switch (typeof value) {
    case "string":
      return stringBytes(value);
    case "number":
      return isSmallInteger(value) ? 1 + varint(zigzag(value)) : 9;
    case "boolean":
      return 1;
    case "object": {
      if (value === null) return 1;
      if (seen.has(value)) return 1 + varint(seen.size);
      seen.add(value);
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
        // begin tag + length, then end tag + property count + length
        return 1 + varint(value.length) + 2 + varint(value.length);
      }
      const keys = Object.keys(value);
      let bytes = 2 + varint(keys.length);
      for (const key of keys) {
        bytes += stringBytes(key);
        stack.push((value as Record<string, unknown>)[key]);
      }
      return bytes;
    }
    default:
      return 1; // undefined: one tag
  }
}

function stringBytes(text: string): number {
  // Two-byte strings carry their byte length and may be preceded by one padding byte.
  return /[^\u0000-\u00ff]/.test(text) ? 2 + varint(text.length * 2) + text.length * 2 : 1 + varint(text.length) + text.length;
}

/** V8 small integers: 31 bits with pointer compression, which workerd and Node both use. */
function isSmallInteger(n: number): boolean {
  return Number.isInteger(n) && n >= -(2 ** 30) && n < 2 ** 30 && !Object.is(n, -0);
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function varint(n: number): number {
  let bytes = 1;
  for (let rest = Math.floor(n / 128); rest > 0; rest = Math.floor(rest / 128)) bytes++;
  return bytes;
}
