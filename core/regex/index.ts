/**
 * Regular expressions from untrusted sources, on a linear-time engine only (DESIGN invariant 10):
 * ECMA-262 patterns translated to RE2 (`translate.ts`), compiled and bounded (`compile.ts`), run in
 * place of the global RegExp inside a synchronous validator (`linear-regexp.ts`), and checked at
 * import so a tool's stored schema holds only patterns the platform can enforce (`schema.ts`, with
 * the note in its description from `tool-note.ts`).
 */
export { MAX_PATTERN_LENGTH, MAX_PROGRAM_SIZE, compileLinear } from "./compile";
export type { CompiledPattern, LinearRegex } from "./compile";
export { PATTERN_WORK_LIMIT, withLinearRegExp } from "./linear-regexp";
export { translatePattern } from "./translate";
export type { Translation } from "./translate";
export { PatternChecker } from "./schema";
export type { DroppedPattern } from "./schema";
export { patternNote, withEnforceablePatterns } from "./tool-note";
