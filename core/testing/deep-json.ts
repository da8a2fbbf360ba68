/**
 * Test-only: deeply nested JSON, and the platform's recursive steps a value must survive once it is
 * within a depth limit. Shared by core/json/limits.test.ts (Node) and workers/gateway/json-depth.test.ts
 * (workerd), so each limit's margin is measured where the code runs.
 */
import { z } from "zod";
import { canonicalJson } from "../evidence";

/** `{"a":{"a":…1…}}`, `depth` objects deep, as text. */
export function nestedObjectsText(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

export function nestedArraysText(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

const Json = z.json();

/**
 * Every recursive step a value goes through between a boundary and storage: zod's `z.json()` (each
 * record crossing RPC), RFC 8785 hashing, JSON.stringify and a structured clone (RPC arguments).
 * Objects overflow zod before arrays do, so objects are the harder case.
 */
export function recursiveSteps(value: unknown): void {
  Json.parse(value);
  canonicalJson(value);
  JSON.stringify(value);
  structuredClone(value);
}

/** The deepest nested object (up to `ceiling`) that survives every recursive step here and now. */
export function deepestSurvivor(ceiling: number): number {
  let lo = 0;
  let hi = ceiling;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      recursiveSteps(JSON.parse(nestedObjectsText(mid)));
      lo = mid;
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      hi = mid - 1;
    }
  }
  return lo;
}
