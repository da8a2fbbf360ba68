import type { AuthTemplate, JsonObject, JsonValue, SourceKind, SourceManifest, ToolDefinition } from "../schemas";

/**
 * The one open extension seam (DESIGN §2): a source plugin turns an opaque config into a manifest
 * and invokes one of its tools. Everything generic (auth storage, policy, retries, Runs, transport
 * security) belongs to the platform. Plugins are runtime-agnostic: no Cloudflare or Node imports,
 * and every byte of egress goes through `ctx.fetch`, the platform's guarded fetch.
 */
export interface SourcePlugin<Config> {
  readonly kind: SourceKind;
  /** Validates the opaque config (the platform answers 422 with the failing field). */
  parseConfig(config: unknown): { ok: true; config: Config } | { ok: false; errors: Array<{ path: string; message: string }> };
  resolveTools(config: Config, ctx: SourceContext): Promise<SourceManifest>;
  invokeTool(tool: ToolDefinition, args: JsonObject, credential: Credential | null, ctx: InvokeContext): Promise<InvokeResult>;
  /**
   * Where `invokeTool` sends this tool's request, and with it the credential (DESIGN invariant 6): a
   * pure function of the stored definition and config, e.g. `GET https://api.example.com/pets/{petId}`.
   * A grant covers it, so a refresh that changes it needs review again.
   */
  destination(tool: ToolDefinition, config: Config): string;
}

/** All upstream traffic: the egress guard checks the URL and every redirect (DESIGN invariant 4). */
export type GuardedFetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface SourceContext {
  readonly fetch: GuardedFetch;
  /** An uploaded document for this source (e.g. an OpenAPI spec), when the config refers to one. */
  readonly document?: string;
  /** Progress for long imports (tools resolved so far). */
  readonly progress?: (resolved: number) => void;
  /** A credential for discovery, when the upstream needs one to describe itself (GraphQL introspection, MCP tools/list). */
  readonly credential?: Credential;
  /** Reports a value derived from the credential (see InvokeContext.secret). */
  readonly secret?: (value: string) => void;
}

export interface InvokeContext {
  readonly fetch: GuardedFetch;
  readonly config: JsonObject;
  /** Abort when the platform's deadline passes. */
  readonly signal: AbortSignal;
  /**
   * A key that stays the same across retries of one Run. Plugins whose upstream understands
   * idempotency keys send it (OpenAPI: the `Idempotency-Key` header on non-GET requests).
   */
  readonly idempotencyKey?: string;
  /**
   * Reports a value the plugin derived from the credential and put on the wire (an OAuth access
   * token from a client-credentials exchange, a computed Basic header): the platform then removes
   * it, in every encoding, from everything the call returns (DESIGN invariant 1). The credential's
   * own secret needs no report.
   */
  readonly secret?: (value: string) => void;
}

/**
 * A credential resolved just in time from a connection's SecretRef, in trusted code only. The
 * plugin places it on the wire as the template says and must never echo it into a result or error.
 */
export interface Credential {
  readonly template: AuthTemplate;
  /** For apiKey/bearer: the token. For basic: `user:password`. For client credentials: `id:secret`. */
  readonly secret: string;
}

export type InvokeErrorCode =
  | "upstream_error" // the upstream answered with a failure status
  | "upstream_unreachable" // connection failed or refused by the egress guard
  | "timeout"
  | "invalid_response" // the upstream answered something we cannot read
  | "invalid_arguments"; // arguments the plugin cannot place (after schema validation)

export type InvokeResult =
  | { ok: true; value: JsonValue; status?: number }
  | { ok: false; error: { code: InvokeErrorCode; message: string; status?: number; retryable: boolean } };

export class PluginError extends Error {
  readonly code: "invalid_document" | "unreachable" | "unsupported";
  constructor(code: PluginError["code"], message: string) {
    super(message);
    this.name = "PluginError";
    this.code = code;
  }
}
