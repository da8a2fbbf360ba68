import { z } from "zod";
import { JsonObject, JsonSchemaDoc, Sha256Hex, SideEffect, ToolName } from "./common";

/** Where a credential goes on the wire; derived from the upstream's own description. */
export const AuthTemplate = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  z.object({ type: z.literal("apiKey"), in: z.enum(["header", "query", "cookie"]), name: z.string().min(1).max(256) }),
  z.object({ type: z.literal("http"), scheme: z.enum(["bearer", "basic"]) }),
  z.object({
    type: z.literal("oauth2_client_credentials"),
    tokenUrl: z.url(),
    scopes: z.array(z.string().max(256)).max(100).default([]),
  }),
]);
export type AuthTemplate = z.infer<typeof AuthTemplate>;

/** One tool as a source plugin describes it. `invocation` is the plugin's own opaque data. */
export const ToolDefinition = z.object({
  name: ToolName,
  description: z.string().max(4096).default(""),
  inputSchema: JsonSchemaDoc.optional(),
  outputSchema: JsonSchemaDoc.optional(),
  sideEffect: SideEffect,
  /** SHA-256 over the canonical JSON of the definition (without this field). */
  hash: Sha256Hex,
  invocation: JsonObject.default({}),
});
export type ToolDefinition = z.infer<typeof ToolDefinition>;

/**
 * Where a tool's request goes, and with it the credential placed on it (DESIGN invariant 6), as its
 * source plugin states it: method and URL template for HTTP (`GET https://api.example.com/v1/pets/{petId}`),
 * the endpoint for GraphQL and MCP.
 */
export const Destination = z.string().min(1).max(8192);
export type Destination = z.infer<typeof Destination>;

/**
 * What a grant covers beyond the definition (DESIGN invariant 6): the destination, and the source's
 * auth templates (by hash, `core/grant` authFingerprint) that say how and where the credential is sent.
 */
export const GrantTarget = z.object({ destination: Destination, auth: Sha256Hex });
export type GrantTarget = z.infer<typeof GrantTarget>;

/** A definition as the catalog stores it: the plugin's, with the destination the platform derived. */
export const CatalogToolDefinition = ToolDefinition.extend({ destination: Destination });
export type CatalogToolDefinition = z.infer<typeof CatalogToolDefinition>;

/** Review state: a spec refresh adds new operations ungranted (DESIGN invariant 6). */
export const ToolStatus = z.enum(["granted", "awaiting_review"]);
export type ToolStatus = z.infer<typeof ToolStatus>;
