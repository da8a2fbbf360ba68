import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../schemas";
import { validateArguments } from "./arguments";

// DESIGN invariant 10: patterns from imported specs never run on a backtracking regex engine. These
// run inside workerd, where the finding was made: "^(a|a)+$" and 26 characters stalled the isolate
// 1.7 s, doubling per character, so 40 characters would take hours. The bounds are generous on purpose.
const HOSTILE = `${"a".repeat(40)}!`;
const GENEROUS_MS = 2000;

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = Date.now();
  const value = run();
  return { value, ms: Date.now() - started };
}

describe("validateArguments against schemas from untrusted upstreams", () => {
  it("answers a catastrophic `pattern` at once, with a validation issue", () => {
    const schema: JsonObject = { type: "object", properties: { code: { type: "string", pattern: "^(a|a)+$" } } };
    const { value, ms } = timed(() => validateArguments(schema, { code: HOSTILE }));
    expect(value).toEqual([{ path: "arguments.code", message: "String does not match pattern." }]);
    expect(ms).toBeLessThan(GENEROUS_MS);
    expect(validateArguments(schema, { code: "aaaa" })).toEqual([]);
  });

  it("answers catastrophic `patternProperties` keys at once, with the property's own issue", () => {
    const schema: JsonObject = { type: "object", patternProperties: { "^(a+)+$": { type: "integer" } }, additionalProperties: { type: "string" } };
    const { value, ms } = timed(() => validateArguments(schema, { [HOSTILE]: 1, [`${"a".repeat(40)}`]: "not a number" }));
    expect(ms).toBeLessThan(GENEROUS_MS);
    // The hostile key does not match the pattern, so it falls to additionalProperties (a string);
    // the other key does, so it must be an integer.
    expect(value).toContainEqual({ path: `arguments.${HOSTILE}`, message: 'Instance type "number" is invalid. Expected "string".' });
    expect(value).toContainEqual({ path: `arguments.${"a".repeat(40)}`, message: 'Instance type "string" is invalid. Expected "integer".' });
  });

  it("answers nested quantifiers inside $defs reached through $ref at once", () => {
    const schema: JsonObject = {
      type: "object",
      properties: { list: { type: "array", items: { $ref: "#/$defs/Item" } } },
      $defs: { Item: { type: "string", pattern: "(x+x+)+y" } },
    };
    const { value, ms } = timed(() => validateArguments(schema, { list: ["x".repeat(40), "xxy"] }));
    expect(ms).toBeLessThan(GENEROUS_MS);
    expect(value.filter((i) => i.message === "String does not match pattern.")).toEqual([{ path: "arguments.list.0", message: "String does not match pattern." }]);
  });

  it("checks `format: \"url\"` without the library's backtracking regex", () => {
    const schema: JsonObject = { type: "object", properties: { link: { type: "string", format: "url" } } };
    // The input that makes the library's regex backtrack for hours ("!" is a valid host character to WHATWG).
    const { value, ms } = timed(() => validateArguments(schema, { link: `http://${HOSTILE}` }));
    expect(ms).toBeLessThan(GENEROUS_MS);
    expect(value).toEqual([]);
    expect(validateArguments(schema, { link: `http://${"a-".repeat(40)} ` })).toEqual([{ path: "arguments.link", message: 'String does not match format "url".' }]);
    expect(validateArguments(schema, { link: "https://example.com/a?b=c" })).toEqual([]);
    expect(validateArguments(schema, { link: "mailto:a@example.com" })).toHaveLength(1);
    expect(validateArguments(schema, { link: "http://exa mple.com" })).toHaveLength(1);
  });

  it("shows no super-linear growth in the other formats' regexes on hostile input", () => {
    const formats = ["date", "time", "date-time", "duration", "uri", "uri-reference", "uri-template", "email", "hostname", "ipv4", "ipv6", "regex", "uuid", "json-pointer", "json-pointer-uri-fragment", "relative-json-pointer"];
    const n = 20_000;
    const inputs = [
      `${"a".repeat(n)}!`, `http://${"a-".repeat(n)}!`, `a:${"/a".repeat(n)} `, `a://${"1.".repeat(n)} `, `${"1:".repeat(n)} `,
      `a@${"a.".repeat(n)}-`, `"${"\\ ".repeat(n)}`, `{${"a.".repeat(n)}`, `${"/a".repeat(n)}~`, `2020-01-01T00:00:00${"0".repeat(n)}`,
    ];
    for (const format of formats) {
      const schema: JsonObject = { type: "string", format };
      const { ms } = timed(() => inputs.forEach((input) => validateArguments(schema, input as unknown as JsonObject)));
      expect({ format, slow: ms > GENEROUS_MS }).toEqual({ format, slow: false });
    }
  });

  it("refuses a stored schema whose pattern needs a backtracking engine, rather than running it", () => {
    const schema: JsonObject = { type: "object", properties: { p: { type: "string", pattern: "^(?!admin).*$" } } };
    expect(validateArguments(schema, { p: "root" })).toEqual([
      { path: "(tool input schema)", message: "the tool's input schema has a pattern that only a backtracking regex engine could check, so its arguments cannot be checked" },
    ]);
  });

  it("refuses arguments too large to check against the patterns within the bound", () => {
    const schema: JsonObject = { type: "object", properties: { list: { type: "array", items: { type: "string", pattern: "^(?:[a-z]{1,30}\\d?){1,30}$" } } } };
    const list = Array.from({ length: 50 }, () => "a".repeat(20_000));
    const { value, ms } = timed(() => validateArguments(schema, { list }));
    expect(ms).toBeLessThan(GENEROUS_MS);
    expect(value).toEqual([{ path: "arguments", message: "the arguments are too large to check against the tool's patterns within the platform's bound" }]);
  });

  it("still checks large arguments against small patterns: 1 MiB against a base64 class, 512 KiB against strict base64", () => {
    const loose: JsonObject = { type: "object", properties: { file: { type: "string", pattern: "^[A-Za-z0-9+/=]+$" } } };
    expect(validateArguments(loose, { file: "QUJD".repeat(256 * 1024) })).toEqual([]);
    const schema: JsonObject = { type: "object", properties: { file: { type: "string", pattern: "^[A-Za-z0-9+/]*={0,2}$" } } };
    const { value, ms } = timed(() => validateArguments(schema, { file: "QUJD".repeat(128 * 1024) }));
    expect(value).toEqual([]);
    expect(ms).toBeLessThan(GENEROUS_MS);
    expect(validateArguments(schema, { file: `${"QUJD".repeat(1024)}!` })).toEqual([{ path: "arguments.file", message: "String does not match pattern." }]);
  });

  it("keeps refusing a schema that cannot be compiled at all", () => {
    expect(validateArguments({ type: "object", properties: { p: { type: "string", pattern: "(" } } }, { p: "x" })).toEqual([
      { path: "(tool input schema)", message: "the tool's input schema is invalid, so its arguments cannot be checked" },
    ]);
  });

  it("leaves the global RegExp as it found it", () => {
    const native = RegExp;
    validateArguments({ type: "string", pattern: "^a$" } as JsonObject, "a" as unknown as JsonObject);
    expect((globalThis as { RegExp: RegExpConstructor }).RegExp).toBe(native);
  });
});

describe("sealed look-alikes in a caller's arguments", () => {
  it("refuses them, naming where, so nothing a caller sends is hidden from the person approving it", () => {
    const box = { $sealed: { id: "sec_x", ciphertext: "payload the approver would not see", iv: "iv" } };
    expect(validateArguments({ type: "object" }, { note: box, list: [1, box] })).toEqual([
      { path: "arguments.note", message: 'an object with only "$sealed" is reserved for values the platform sealed' },
      { path: "arguments.list[1]", message: 'an object with only "$sealed" is reserved for values the platform sealed' },
    ]);
    expect(validateArguments(undefined, { note: box })).toHaveLength(1);
    // An object that merely has such a key beside others is ordinary data.
    expect(validateArguments({ type: "object" }, { note: { $sealed: box.$sealed, other: 1 } })).toEqual([]);
  });
});
