import { Validator } from "@cfworker/json-schema";
import type { JsonObject } from "../../../schemas";

export type ArgumentIssue = { path: string; message: string };

/**
 * Validates call arguments against the tool's input schema before anything is sent upstream.
 * @cfworker/json-schema interprets schemas without code generation, which workerd forbids.
 */
export function validateArguments(schema: JsonObject | undefined, args: JsonObject): ArgumentIssue[] {
  if (!schema) return [];
  let result: ReturnType<Validator["validate"]>;
  try {
    result = new Validator(schema as object, "2020-12", false).validate(args);
  } catch {
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
