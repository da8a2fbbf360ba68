/**
 * JSON from outside, bounded (DESIGN invariant 10): one set of limits (depth, values) per boundary
 * kind, iterative checks for text and for values, and a parse that refuses text over a limit before
 * building any of it.
 */
export { cloneBytes } from "./clone-size";
export { JSON_LIMITS } from "./limits";
export type { JsonBoundary, JsonLimits } from "./limits";
export { parseJson } from "./parse";
export type { ParsedJson } from "./parse";
export { breachMessage, describeBreach, scanJsonText, scanJsonValue } from "./scan";
export type { JsonBreach } from "./scan";
