/**
 * What every command gets (the contract between the CLI's core and its command modules): the
 * remote it talks to, an authenticated fetch to it, and output that honours `--json`. Commands never
 * read credentials themselves, and nothing they print may contain a secret.
 */
export type RemoteInfo = { name: string; url: string };

export type ApiAnswer = { status: number; body: unknown; headers: Headers };

export interface Api {
  readonly remote: RemoteInfo;
  /** How this remote authenticates (an OAuth login holds one grant for /v1 and, unless --no-mcp, one for /mcp). */
  readonly authKind: "api_key" | "oauth";
  /** A request to the remote with its credential (refreshed first when it has expired). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** JSON in and out; a problem+json answer throws CliError with its detail and the mapped exit code. */
  json(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /** The bearer token, for bridges that must hold it (executor mcp); never printed. */
  token(): Promise<string>;
  /**
   * The bearer for `/mcp` (executor mcp): the API key, or the OAuth login's /mcp grant (refreshed when it
   * expires, or when `forceRefresh` after a 401); null for an OAuth login without one. Never printed.
   */
  mcpToken(forceRefresh?: boolean): Promise<string | null>;
}

export interface Output {
  readonly json: boolean;
  /** A result: printed as JSON with --json, else as `human(value)` (or pretty JSON). */
  result(value: unknown, human?: (value: unknown) => string): void;
  /** Progress and notes go to stderr, never into --json output. */
  info(message: string): void;
}

export interface Ctx {
  /** The remote named by --remote, else the current one; throws CliError(3) when none is logged in. */
  api(remoteName?: string): Promise<Api>;
  /** The --remote given on the command line, if any (executor dev deploys elsewhere only when asked). */
  remoteOption?: string;
  out: Output;
}

/** Documented exit codes (README "CLI"): each failure class has its own. */
export const EXIT = { ok: 0, failed: 1, usage: 2, auth: 3, notFound: 4, refused: 5, pending: 6 } as const;

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.failed) {
    super(message);
    this.name = "CliError";
  }
}
