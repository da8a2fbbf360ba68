import { RE2JS } from "re2js";
import { translatePattern } from "./translate";

/**
 * Patterns from untrusted schemas, compiled for a linear-time engine (DESIGN invariant 10: patterns
 * from imported specs never run on a backtracking regex engine). RE2 (here `re2js`, a pure-JS port,
 * so it runs unchanged in workerd and Node) matches in time proportional to pattern × input, never
 * exponentially; what RE2 cannot express (lookaround, backreferences) is refused, not approximated.
 */

/** The native RegExp, held before anything can swap the global (linear-regexp.ts). */
const NativeRegExp = RegExp;

/** Longer patterns are refused: their compile alone is work an upstream should not get for free. */
export const MAX_PATTERN_LENGTH = 16_384;
/** RE2 program size (instructions) above which a pattern is refused; matching cost scales with it. */
export const MAX_PROGRAM_SIZE = 20_000;

export interface LinearRegex {
  /** ECMA-262 `RegExp.prototype.test` semantics: a match anywhere in `input`. */
  test(input: string): boolean;
  /** The RE2 program size: the per-character cost of a match in the worst case. */
  readonly cost: number;
}

export type CompiledPattern =
  | { ok: true; regex: LinearRegex }
  /** `invalid`: not an ECMA-262 pattern at all; `unsupported`: valid, but it needs a backtracking engine or is too large. */
  | { ok: false; kind: "invalid" | "unsupported"; reason: string };

/** Compiles a JSON Schema `pattern` (ECMA-262, read as `new RegExp(p, "u")`) for the linear engine. */
export function compileLinear(pattern: string): CompiledPattern {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, kind: "unsupported", reason: `it is longer than ${MAX_PATTERN_LENGTH} characters` };
  }
  try {
    // Syntax check only: constructing a RegExp parses it and never runs a match.
    new NativeRegExp(pattern, "u");
  } catch {
    return { ok: false, kind: "invalid", reason: "it is not a valid ECMA-262 regular expression" };
  }
  const translated = translatePattern(pattern);
  if (!translated.ok) return { ok: false, kind: "unsupported", reason: `it uses ${translated.reason}` };
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(translated.source);
  } catch {
    // RE2's own limits (nesting, size) or a Unicode property name it does not know.
    return { ok: false, kind: "unsupported", reason: "it has no RE2 form (a size limit or an unknown Unicode property)" };
  }
  const cost = re2.programSize();
  if (cost > MAX_PROGRAM_SIZE) return { ok: false, kind: "unsupported", reason: `it compiles to more than ${MAX_PROGRAM_SIZE} instructions` };
  return { ok: true, regex: { test: (input) => re2.test(input), cost } };
}
