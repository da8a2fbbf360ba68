import type { JsonLimits } from "./limits";

/**
 * What JSON costs, checked without recursion (DESIGN invariant 10): nesting depth, which every
 * recursive step downstream pays for in stack, and the number of values, which the heap pays for
 * (an empty object costs V8 about 30 bytes more than its two characters of text). Depth counts
 * nested arrays and objects: a scalar is 0, `[]` and `{}` are 1, `{"a":[1]}` is 2. Both scans keep
 * their own bookkeeping in the heap, so no input can overflow the call stack while being checked.
 */
export type JsonBreach = { readonly limit: "depth"; readonly max: number } | { readonly limit: "values"; readonly max: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Checks JSON text before anything is parsed, so text over a limit never becomes a value. Values are
 * counted as the root plus every array, object and comma outside strings: for valid JSON that is the
 * number of values plus the number of empty arrays and objects, so it never under-counts. Brackets
 * and commas inside strings do not count (RFC 8259 §7: a string ends at the first quote not escaped
 * by a backslash). For text that is not JSON the answer means nothing; the parse that follows refuses it.
 */
export function scanJsonText(text: string, limits: JsonLimits): JsonBreach | null {
  if (limits.values < 1) return { limit: "values", max: limits.values };
  let depth = 0;
  let values = 1;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = closingQuote(text, i);
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limits.depth) return { limit: "depth", max: limits.depth };
      if (++values > limits.values) return { limit: "values", max: limits.values };
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    } else if (c === COMMA) {
      if (++values > limits.values) return { limit: "values", max: limits.values };
    }
  }
  return null;
}

/**
 * Where the string opened at `open` ends: the first quote after it preceded by an even run of
 * backslashes (each pair is one escaped backslash), or the end of the text. Found with indexOf, not
 * character by character: an uploaded description arrives as one 13 MB string inside the body.
 */
function closingQuote(text: string, open: number): number {
  for (let from = open + 1; ; ) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let before = quote - 1;
    while (before > open && text.charCodeAt(before) === BACKSLASH) before--;
    if ((quote - 1 - before) % 2 === 0) return quote;
    from = quote + 1;
  }
}

/**
 * Checks a value already built by someone else (an SDK's parse, a YAML composer), counting exactly
 * its values. A value shared by several parents is counted once per path, as serializing it would
 * be; a cycle ends at the depth limit like any value too deep.
 */
export function scanJsonValue(value: unknown, limits: JsonLimits): JsonBreach | null {
  if (limits.values < 1) return { limit: "values", max: limits.values };
  if (typeof value !== "object" || value === null) return null;
  const values: object[] = [value];
  const depths: number[] = [1];
  let count = 1;
  for (let top = values.pop(); top !== undefined; top = values.pop()) {
    const depth = depths.pop() ?? 0;
    if (depth > limits.depth) return { limit: "depth", max: limits.depth };
    const children: readonly unknown[] = Array.isArray(top) ? top : Object.values(top);
    count += children.length;
    if (count > limits.values) return { limit: "values", max: limits.values };
    for (const child of children) {
      if (typeof child === "object" && child !== null) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return null;
}

/** `nests deeper than 64 levels of arrays and objects`: the one wording of a refusal, as a predicate. */
export function describeBreach(breach: JsonBreach): string {
  return breach.limit === "depth" ? `nests deeper than ${breach.max} levels of arrays and objects` : `holds more than ${breach.max} JSON values`;
}

/** `the request body nests deeper than 64 levels of arrays and objects`. */
export function breachMessage(what: string, breach: JsonBreach): string {
  return `${what} ${describeBreach(breach)}`;
}
