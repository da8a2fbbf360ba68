import { Validator, format } from "@cfworker/json-schema";
import { isDomainError } from "../../core/errors";
import { withLinearRegExp } from "../../core/regex";
import { SEALED_KEY, sealedLookalikes } from "../../core/write-only";
import type { JsonObject } from "../../schemas";

export type ArgumentIssue = { path: string; message: string };

/**
 * @cfworker/json-schema's `url` format is a regex with nested quantifiers over the host
 * (`(?:[a-z…0-9]+-?)*[a-z…0-9]+`): "http://" and 30 letters and a "!" take it seconds, each letter more
 * doubles that, and any upstream schema can ask for it. This is the same check without backtracking:
 * an http(s) or ftp URL, which the WHATWG URL parser (linear) accepts, with no whitespace in it.
 * DESIGN invariant 10. (The other formats' regexes showed no super-linear growth on the hostile inputs
 * tried in arguments.test.ts.)
 */
format.url = (value: string): boolean => {
  if (!/^(?:https?|ftp):\/\//i.test(value) || /\s/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
};

/**
 * Validates call arguments against the tool's input schema before anything is sent upstream.
 * @cfworker/json-schema interprets schemas without code generation, which workerd forbids; its
 * `pattern` and `patternProperties` run on the linear engine (core/regex, DESIGN invariant 10), never
 * on the backtracking native RegExp: the schema comes from an upstream and the arguments from a caller.
 */
export function validateArguments(schema: JsonObject | undefined, args: JsonObject): ArgumentIssue[] {
  const forged = sealedLookalikes(args);
  if (forged.length > 0) return forged.map((path) => ({ path, message: `an object with only "${SEALED_KEY}" is reserved for values the platform sealed` }));
  if (!schema) return [];
  let result: ReturnType<Validator["validate"]>;
  try {
    // Synchronous from construction to result: nothing else runs while the RegExp stand-in is in place.
    result = withLinearRegExp(() => new Validator(schema as object, "2020-12", false).validate(args));
  } catch (error) {
    if (isDomainError(error, "pattern_work_limit")) {
      return [{ path: "arguments", message: "the arguments are too large to check against the tool's patterns within the platform's bound" }];
    }
    if (isDomainError(error, "uncheckable_pattern")) {
      // Stored before import checks existed, or reached only in a way the import walk did not see.
      return [{ path: "(tool input schema)", message: "the tool's input schema has a pattern that only a backtracking regex engine could check, so its arguments cannot be checked" }];
    }
    // An upstream's schema that cannot be compiled (unresolved $ref, bad pattern): refuse the call
    // rather than send arguments nobody checked.
    return [{ path: "(tool input schema)", message: "the tool's input schema is invalid, so its arguments cannot be checked" }];
  }
  if (result.valid) return [];
  // Keep the most specific issues: leaf errors name the failing field.
  return result.errors
    .filter((e) => e.keyword !== "properties" && e.keyword !== "allOf" && e.keyword !== "$ref")
    .slice(0, 20)
    .map((e) => ({
      path: `arguments${e.instanceLocation.replace(/^#/, "").replace(/\//g, ".")}`,
      message: e.error,
    }));
}
