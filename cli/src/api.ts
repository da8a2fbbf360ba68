import type { McpTokens, OAuthAuth, Remote } from "./config";
import { loadConfig, remoteOf, updateConfig } from "./config";
import type { Api, ApiAnswer, RemoteInfo } from "./context";
import { CliError, EXIT } from "./context";
import { postNoRedirect } from "./oauth";
import { clean } from "./output";

/** Refresh a little before the access token's stated expiry, so a request never lands just after it. */
const EXPIRY_MARGIN_MS = 30_000;

type Problem = { title?: string; detail?: string; errors?: Array<{ path?: string; message?: string; line?: number; column?: number }>; runId?: string };

/**
 * HTTP status → exit code (README "CLI"): 401 is an authentication failure (3: log in again), 403 a
 * refusal by the platform (5: a policy, a missing capability, self-approval), 404 not found (4); any
 * other failure (409 conflict, 413, 422 validation, 5xx) is 1 with the server's detail.
 */
export function exitCodeFor(status: number): number {
  if (status === 401) return EXIT.auth;
  if (status === 403) return EXIT.refused;
  if (status === 404) return EXIT.notFound;
  return EXIT.failed;
}

/** One line from an RFC 9457 answer: its detail, the first failing field (path, line, column), the Run. */
export function problemMessage(status: number, body: unknown): string {
  const problem = (typeof body === "object" && body !== null ? body : {}) as Problem;
  let message = String(problem.detail ?? problem.title ?? `the server answered ${status}`);
  const first = problem.errors?.[0];
  if (first) {
    const path = first.path && !message.includes(first.path) ? first.path : "";
    const where = [path, first.line !== undefined ? `line ${first.line}` : "", first.column !== undefined ? `column ${first.column}` : ""].filter(Boolean).join(" ");
    const what = first.message && !message.includes(first.message) ? `: ${first.message}` : "";
    if (where || what) message += ` (${where}${what})`;
  }
  if (problem.runId) message += ` [run ${problem.runId}]`;
  // Server text, printed on one line without control characters.
  return clean(message);
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A network failure as one line, with its cause (ECONNREFUSED…) rather than undici's "fetch failed". */
export function networkError(url: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new CliError(`cannot reach ${url}: ${reason}`, EXIT.failed);
}

type Grant = { accessToken: string; refreshToken: string | null; expiresAt: number; tokenEndpoint?: string };

/** OAuth 2.1 §4.3: a refresh-token grant (of the /v1 or the /mcp grant); returns the rotated tokens. */
async function refreshGrant(name: string, url: string, clientId: string, grant: Grant, what: string): Promise<Grant> {
  if (!grant.refreshToken) throw new CliError(`the ${what} for remote '${name}' expired; run executor login ${url}`, EXIT.auth);
  // The token endpoint the authorization server named at login (same origin as the remote, checked then).
  const endpoint = grant.tokenEndpoint ?? `${url}/oauth/token`;
  const res = await postNoRedirect(endpoint, {
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: grant.refreshToken, client_id: clientId }),
  }).catch((error: unknown) => {
    if (error instanceof CliError && error.exitCode === EXIT.auth) throw new CliError(`the ${what} for remote '${name}' could not be refreshed (${error.message}); run executor login ${url}`, EXIT.auth);
    throw error;
  });
  const body = (await readBody(res)) as { access_token?: string; refresh_token?: string; expires_in?: number } | null;
  if (!res.ok || !body?.access_token) {
    throw new CliError(`the ${what} for remote '${name}' could not be refreshed; run executor login ${url}`, EXIT.auth);
  }
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token ?? grant.refreshToken,
    expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000,
    ...(grant.tokenEndpoint ? { tokenEndpoint: grant.tokenEndpoint } : {}),
  };
}

/** The /v1 grant refreshed; the rotated tokens are saved (atomically, the /mcp grant kept) before they are used. */
async function refreshTokens(name: string, remote: Remote & { auth: OAuthAuth }): Promise<OAuthAuth> {
  const auth = remote.auth;
  const rotated = await refreshGrant(name, remote.url, auth.clientId, auth, "session");
  const v1: OAuthAuth = { kind: "oauth", clientId: auth.clientId, ...rotated };
  let next: OAuthAuth = auth.mcp ? { ...v1, mcp: auth.mcp } : v1;
  updateConfig((config) => {
    const saved = remoteOf(config, name);
    if (!saved) return;
    // The /mcp grant as saved now: another process (executor mcp) may have rotated it since we read it.
    const mcp = saved.auth.kind === "oauth" && saved.auth.clientId === auth.clientId ? saved.auth.mcp : auth.mcp;
    next = mcp ? { ...v1, mcp } : v1;
    saved.auth = next;
  });
  return next;
}

/** The /mcp grant refreshed and saved (only that part of the remote's auth changes). */
async function refreshMcpTokens(name: string, remote: Remote & { auth: OAuthAuth & { mcp: McpTokens } }): Promise<McpTokens> {
  const next: McpTokens = await refreshGrant(name, remote.url, remote.auth.clientId, remote.auth.mcp, "MCP session");
  updateConfig((config) => {
    const saved = remoteOf(config, name);
    if (saved?.auth.kind === "oauth" && saved.auth.clientId === remote.auth.clientId) saved.auth.mcp = next;
  });
  return next;
}

/** The Api of one remote: bearer auth, refreshed when it expires or a request answers 401. */
export function remoteApi(name: string, initial: Remote): Api {
  let remote = initial;
  const info: RemoteInfo = { name, url: remote.url };

  async function token(forceRefresh = false): Promise<string> {
    const auth = remote.auth;
    if (auth.kind === "api_key") return auth.key;
    if (!forceRefresh && auth.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return auth.accessToken;
    // Another process may already have rotated the tokens: use the saved ones if they are fresher.
    const saved = remoteOf(loadConfig(), name);
    if (!forceRefresh && saved?.auth.kind === "oauth" && saved.auth.expiresAt - EXPIRY_MARGIN_MS > Date.now()) {
      remote = saved;
      return saved.auth.accessToken;
    }
    remote = { ...remote, auth: await refreshTokens(name, { ...remote, auth }) };
    return (remote.auth as OAuthAuth).accessToken;
  }

  async function mcpToken(forceRefresh = false): Promise<string | null> {
    const auth = remote.auth;
    if (auth.kind === "api_key") return auth.key;
    const mcp = auth.mcp;
    if (!mcp) return null;
    if (!forceRefresh && mcp.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return mcp.accessToken;
    // Another process may already have rotated the tokens: use the saved ones if they are fresher.
    const saved = remoteOf(loadConfig(), name);
    const savedMcp = saved?.auth.kind === "oauth" && saved.auth.clientId === auth.clientId ? saved.auth.mcp : undefined;
    if (savedMcp && savedMcp.expiresAt - EXPIRY_MARGIN_MS > Date.now() && (!forceRefresh || savedMcp.accessToken !== mcp.accessToken)) {
      remote = { ...remote, auth: { ...auth, mcp: savedMcp } };
      return savedMcp.accessToken;
    }
    const current = savedMcp ?? mcp;
    const next = await refreshMcpTokens(name, { ...remote, auth: { ...auth, mcp: current } });
    remote = { ...remote, auth: { ...(remote.auth as OAuthAuth), mcp: next } };
    return next.accessToken;
  }

  async function send(path: string, init: RequestInit, bearer: string): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${bearer}`);
    // Runs it starts are recorded with surface "cli" (a label, not authority).
    headers.set("x-executor-surface", "cli");
    try {
      return await fetch(`${remote.url}${path}`, { ...init, headers, redirect: "manual" });
    } catch (error) {
      throw networkError(remote.url, error);
    }
  }

  async function authedFetch(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await send(path, init, await token());
    // A revoked or early-expired access token: refresh once and repeat (only when the body can be resent).
    const replayable = init.body === undefined || init.body === null || typeof init.body === "string";
    if (res.status !== 401 || remote.auth.kind !== "oauth" || !replayable) return res;
    await res.body?.cancel();
    return send(path, init, await token(true));
  }

  return {
    remote: info,
    authKind: remote.auth.kind,
    fetch: authedFetch,
    token: () => token(),
    mcpToken: (forceRefresh?: boolean) => mcpToken(forceRefresh),
    async json(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
      const headers: Record<string, string> = { accept: "application/json" };
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await authedFetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      return answer(res);
    },
  };
}

/** A JSON answer, or the CliError its problem+json maps to. 2xx (202 pending included) is returned. */
export async function answer(res: Response): Promise<ApiAnswer> {
  const parsed = await readBody(res);
  if (res.status >= 400) throw new CliError(problemMessage(res.status, parsed), exitCodeFor(res.status));
  if (res.status >= 300) throw new CliError(`the server redirected to ${clean(res.headers.get("location") ?? "?")}; is the URL right?`, EXIT.failed);
  return { status: res.status, body: parsed, headers: res.headers };
}
