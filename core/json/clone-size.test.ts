import { serialize } from "node:v8";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cloneBytes } from "./clone-size";

// Node's v8.serialize is the serializer Workers RPC uses (workerd wraps the same ValueSerializer).
const actual = (value: unknown): number => serialize(value).byteLength;

describe("cloneBytes", () => {
  it("matches V8's serializer on scalars, one- and two-byte strings, and small and large numbers", () => {
    for (const value of [null, true, 0, -1, 2 ** 30 - 1, 1.5, -0, "", "abc", "é".repeat(300), "€", "😀".repeat(70), "x".repeat(200_000)]) {
      // A two-byte string may be preceded by one byte of alignment; the estimate always counts it.
      const over = cloneBytes(value) - actual(value);
      expect(over === 0 || (over === 1 && /[^\u0000-\u00ff]/.test(String(value))), JSON.stringify(value).slice(0, 20)).toBe(true);
    }
    // Small integers are 31 bits where pointers are compressed (workerd), 32 in Node: the estimate takes the larger form.
    expect(cloneBytes(2 ** 30)).toBeGreaterThanOrEqual(actual(2 ** 30));
  });

  it("counts a shared object once, as the serializer's back-reference does", () => {
    const shared = { type: "object", properties: { name: { type: "string", description: "d".repeat(1000) } } };
    const tools = Array.from({ length: 50 }, (_, i) => ({ name: `t${i}`, inputSchema: shared }));
    const estimate = cloneBytes(tools);
    expect(estimate).toBeLessThan(actual(JSON.parse(JSON.stringify(tools))) / 10);
    expect(Math.abs(estimate - actual(tools)) / actual(tools)).toBeLessThan(0.01);
  });

  it("stays within 1% of V8's count for any JSON value of some size", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const bytes = actual(value);
        // Integer-like keys ({"200": …}) are written as numbers, a byte or two shorter: allowed for.
        expect(Math.abs(cloneBytes(value) - bytes)).toBeLessThanOrEqual(Math.max(8, bytes * 0.01) + keysOf(value));
      }),
    );
  });
});

/** Two bytes per object key: the most an integer-like key saves over the string the estimate counts. */
function keysOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return (Array.isArray(value) ? 0 : Object.keys(value).length * 2) + children.reduce((sum: number, c) => sum + keysOf(c), 0);
}
