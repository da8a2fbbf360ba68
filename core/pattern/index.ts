import { ToolPattern } from "../../schemas/address";
import { PolicyTarget } from "../../schemas/policy";
import { splitSegments } from "../address";
import { DomainError } from "../errors";

/** A compiled toolkit pattern: true when the address is matched. */
export type PatternMatcher = (address: string) => boolean;

/**
 * `*` matches any run of characters (possibly empty); every other character is literal.
 *
 * Deliberately not a RegExp: the glob comes from users (toolkits, policies), and a translated regex such
 * as `.*a.*a.*a.*b` backtracks exponentially on hostile input. This two-pointer matcher backtracks only to
 * the last star, so it is O(|glob|·|text|) in the worst case, and there are no metacharacters to escape:
 * '.', '/', '+', '(' … are all plain characters here.
 */
export function globMatch(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (t < text.length) {
    const c = glob.charCodeAt(g);
    if (c === STAR) {
      starAt = g++;
      resumeAt = t;
    } else if (g < glob.length && c === text.charCodeAt(t)) {
      g++;
      t++;
    } else if (starAt >= 0) {
      // Let the last star swallow one more character and retry the rest of the glob from there.
      g = starAt + 1;
      t = ++resumeAt;
    } else {
      return false;
    }
  }
  while (glob.charCodeAt(g) === STAR) g++;
  return g === glob.length;
}
const STAR = 42; // '*'

/**
 * Compiles a ToolPattern (`github.org_acme.*.repos/*`) to a matcher. Matching is segment-wise: the first
 * three address segments are dot-free, so a `*` there never spans a dot; in the tool segment `*` matches
 * anything, '.' and '/' included (schemas/address.ts).
 */
export function compilePattern(pattern: string): PatternMatcher {
  const checked = ToolPattern.safeParse(pattern);
  const segments = splitSegments(pattern);
  if (!checked.success || segments === null) {
    const rule = checked.success ? "must have 4 segments" : (checked.error.issues[0]?.message ?? "is malformed");
    throw new DomainError("invalid_pattern", `pattern ${JSON.stringify(pattern)} ${rule}`, { detail: pattern });
  }
  return (address: string): boolean => {
    const parts = splitSegments(address);
    if (parts === null) return false;
    for (let i = 0; i < 4; i++) {
      if (!globMatch(segments[i] ?? "", parts[i] ?? "")) return false;
    }
    return true;
  };
}

// Toolkit patterns are checked on every admission and catalog listing; keep the compiled form. Bounded so
// a flood of distinct patterns cannot grow memory without limit.
const CACHE_LIMIT = 1024;
const cache = new Map<string, PatternMatcher>();

/** True when `address` matches the ToolPattern. Throws DomainError("invalid_pattern") on a bad pattern. */
export function matchesPattern(pattern: string, address: string): boolean {
  let matcher = cache.get(pattern);
  if (matcher === undefined) {
    matcher = compilePattern(pattern);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, matcher);
  }
  return matcher(address);
}

/**
 * True when a tool's own name matches a policy target's glob (`repos/*`, `*delete*`). The glob is
 * validated by the same schema that accepts it at the boundary (schemas/policy.ts PolicyTarget.tools).
 */
export function matchesToolGlob(glob: string, toolName: string): boolean {
  const checked = PolicyTarget.shape.tools.safeParse(glob);
  if (!checked.success) {
    const rule = checked.error.issues[0]?.message ?? "is malformed";
    throw new DomainError("invalid_glob", `tool glob ${JSON.stringify(glob)} ${rule}`, { detail: glob });
  }
  return globMatch(glob, toolName);
}
