/**
 * TypeScript declarations from JSON Schemas (2020-12, draft-07 and the OpenAPI 3.0 dialect our
 * plugins store): what `describe` shows a model writing code against a tool, and later a toolkit's
 * typed SDK. Pure: no Cloudflare or Node imports. Bounded by limits.ts whatever the schema.
 */
export { declarationsFor, schemaToType } from "./declarations";
export type { DeclarationOptions, ToolDeclarations, ToolSchemas } from "./declarations";
export { TypeNames } from "./names";
export type { Declared, TypeNamesOptions } from "./names";
export { TYPESCRIPT_LIMITS } from "./limits";
export type { TypeScriptLimits } from "./limits";
export { isIdentifier, propertyKey, RESERVED_NAMES, stringLiteral, typeIdentifier } from "./identifiers";
