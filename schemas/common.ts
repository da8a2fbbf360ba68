import { z } from "zod";

/** A lowercase slug: sources, connection names, toolkits. No dots, so it can stand in an address. */
export const Slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be 1-63 chars of a-z, 0-9 and '-', starting with a letter or digit");
export type Slug = z.infer<typeof Slug>;

/** A scope id such as `org_3f9k` or `user_a1b2`. No dots, so it can stand in an address. */
export const ScopeId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, "must be 1-64 chars of a-z, 0-9, '_' and '-', starting with a letter");
export type ScopeId = z.infer<typeof ScopeId>;

/**
 * A tool's own name inside its source. MCP (2025-11-25, tool names) allows A-Z a-z 0-9 _ - . ;
 * OpenAPI operationIds such as GitHub's `repos/get` also use '/'.
 */
export const ToolName = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_./-]{0,127}$/, "must be 1-128 chars of A-Z, a-z, 0-9, '_', '.', '/' and '-'");
export type ToolName = z.infer<typeof ToolName>;

/** Lowercase hex SHA-256. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase hex SHA-256 digest");
export type Sha256Hex = z.infer<typeof Sha256Hex>;

/** Milliseconds since the epoch. */
export const EpochMs = z.number().int().nonnegative();

/** A record id: a short prefix, an underscore, then base32/hex characters. */
export const RecordId = z.string().regex(/^[a-z]{2,8}_[0-9a-z]{8,40}$/, "must look like prefix_0123abcd");
export type RecordId = z.infer<typeof RecordId>;

/** Any JSON value. Records crossing RPC must be JSON-typed (an `unknown` field is not serializable). */
export const JsonValue = z.json();
export type JsonValue = z.infer<typeof JsonValue>;

/** A JSON object with opaque members (plugin config, invocation data). */
export const JsonObject = z.record(z.string(), JsonValue);
export type JsonObject = z.infer<typeof JsonObject>;

/** An opaque JSON Schema document (validated structurally where it is used). */
export const JsonSchemaDoc = JsonObject;
export type JsonSchemaDoc = z.infer<typeof JsonSchemaDoc>;

/** Side-effect class of an operation (DESIGN §2). */
export const SideEffect = z.enum(["read", "write", "destructive"]);
export type SideEffect = z.infer<typeof SideEffect>;
