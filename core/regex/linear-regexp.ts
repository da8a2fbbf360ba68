import { DomainError } from "../errors";
import type { CompiledPattern } from "./compile";
import { compileLinear } from "./compile";

/**
 * Runs a synchronous JSON Schema validator with every `new RegExp(pattern, "u")` it makes answered
 * by the linear engine (DESIGN invariant 10). Validators such as @cfworker/json-schema compile
 * `pattern` and `patternProperties` with the global `RegExp`; they offer no hook for another engine,
 * so for the duration of one synchronous call the global is a stand-in whose `test` runs RE2. This
 * is sound only because nothing else can run in between: JavaScript runs one call stack at a time,
 * and the swap is undone in `finally` before the call returns (a callback that returns a promise
 * is refused, since its work would outlive the swap). Regex literals are untouched: they use the
 * intrinsic constructor, not the global binding.
 *
 * Linear is not free: RE2's worst case is program size × input length (the NFA it falls back to
 * when its DFA cache thrashes), so every test is charged that and one call may spend at most
 * `limit`. Past it the call throws `pattern_work_limit`; a pattern the engine cannot run throws
 * `uncheckable_pattern`. Either way the caller refuses the call; nothing falls back to backtracking.
 */

/**
 * Instructions × characters per call: room for a whole 1 MiB body (DEFAULT_BODY_LIMIT) against an
 * 8-instruction pattern (`^[A-Za-z0-9+/=]+$` is 6), or half of it against a strict base64 pattern
 * (10-19). The slowest case measured, a pattern that defeats RE2's DFA cache so every character costs
 * the whole program, spent about half a second and 32 MB of transient heap on this much; the finding
 * this bound answers was an isolate stalled 1.7 s, so it is not raised to fit larger arguments.
 */
export const PATTERN_WORK_LIMIT = 1 << 23;
/** Charged per test besides the characters, so millions of tiny tests are bounded too. */
const PER_TEST = 16;
/** Held at load, before any swap: the syntax check below must always be the real parser. */
const IntrinsicRegExp = RegExp;

export function withLinearRegExp<T>(run: () => T, limit: number = PATTERN_WORK_LIMIT): T {
  const compiled = new Map<string, CompiledPattern>();
  let left = limit;

  class LinearRegExp {
    readonly source: string;
    readonly flags: string;

    constructor(pattern: unknown, flags?: unknown) {
      const source = String(pattern);
      const given = flags === undefined ? "" : String(flags);
      // JSON Schema patterns are read as Unicode patterns; the translation assumes exactly that.
      if (given !== "u") throw new DomainError("uncheckable_pattern", `only "u" patterns run on the linear engine, not "${given.slice(0, 8)}"`);
      // The same SyntaxError as the native constructor for a malformed pattern (a `format: "regex"`
      // check relies on it); parsing never runs a match.
      new IntrinsicRegExp(source, "u");
      this.source = source;
      this.flags = given;
    }

    test(input: unknown): boolean {
      const text = String(input);
      let pattern = compiled.get(this.source);
      if (pattern === undefined) {
        pattern = compileLinear(this.source);
        compiled.set(this.source, pattern);
      }
      if (!pattern.ok) {
        throw new DomainError("uncheckable_pattern", `the pattern cannot be checked safely: ${pattern.reason}`, { detail: this.source.slice(0, 200) });
      }
      left -= pattern.regex.cost * (text.length + PER_TEST);
      if (left < 0) throw new DomainError("pattern_work_limit", `checking these arguments against the schema's patterns needs more than ${limit} steps`);
      return pattern.regex.test(text);
    }
  }

  const global = globalThis as { RegExp: unknown };
  const saved = global.RegExp;
  global.RegExp = LinearRegExp;
  try {
    const result = run();
    if (typeof (result as { then?: unknown } | null)?.then === "function") {
      throw new TypeError("withLinearRegExp needs a synchronous callback: the swap cannot outlive it");
    }
    return result;
  } finally {
    global.RegExp = saved;
  }
}
