import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { networkError } from "./api";
import type { OAuthAuth } from "./config";
import { isLoopbackHost } from "./config";
import { CliError, EXIT } from "./context";
import { clean } from "./output";

/**
 * OAuth 2.1 sign-in for a native app (RFC 8252): discovery (RFC 9728, RFC 8414), dynamic registration
 * of a public client (RFC 7591), authorization code with PKCE S256 through a loopback redirect on
 * 127.0.0.1 (RFC 8252 §7.3), and a token bound to the /v1 resource (RFC 8707). The server binds each
 * grant to exactly one resource, so a second authorization (same client, same flow) gets the token
 * for `<origin>/mcp` that executor mcp needs; --no-mcp skips it.
 */

type ServerMetadata = {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  registration_endpoint?: string;
  code_challenge_methods_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
};
type TokenAnswer = { access_token?: string; refresh_token?: string; expires_in?: number; error?: string; error_description?: string };

export type OAuthOptions = { openBrowser: boolean; timeoutMs: number; info: (message: string) => void; insecure?: boolean; mcp?: boolean };
type Granted = { clientId: string; accessToken: string; refreshToken: string | null; expiresAt: number; tokenEndpoint: string };

/**
 * An endpoint the CLI may talk to or open: https, or http on a loopback host (or on the origin the
 * user logged in to with --insecure). Anything else (javascript:, file:, plain http elsewhere) is refused.
 */
export function safeEndpoint(value: unknown, what: string, base: string, insecure = false): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new CliError(`${base} named ${what} '${clean(String(value))}', which is not a URL`, EXIT.auth);
  }
  const ok = url.protocol === "https:" || (url.protocol === "http:" && (isLoopbackHost(url.hostname) || (insecure && url.origin === base)));
  if (!ok) throw new CliError(`${base} named ${what} ${clean(url.href)}: only https (or http on 127.0.0.1) is accepted`, EXIT.auth);
  // The whole sign-in stays on the origin being logged in to (see discover).
  if (url.origin !== base) throw new CliError(`${base} named ${what} on another origin (${clean(url.origin)}); refusing to sign in`, EXIT.auth);
  return url.href;
}

/** A POST to the authorization server; a redirect is never followed (the body holds codes and tokens). */
export async function postNoRedirect(url: string, init: { headers: Record<string, string>; body: string | URLSearchParams }): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", ...init, redirect: "manual" });
  } catch (error) {
    throw networkError(url, error);
  }
  if ((res.status >= 300 && res.status < 400) || (res.type as string) === "opaqueredirect") {
    await res.body?.cancel();
    throw new CliError(`${url} answered with a redirect (${res.status}); OAuth requests are not redirected`, EXIT.auth);
  }
  return res;
}

async function getJson<T>(url: string): Promise<{ status: number; body: T | null }> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: "application/json" }, redirect: "manual" });
  } catch (error) {
    throw networkError(url, error);
  }
  const body = res.ok ? ((await res.json().catch(() => null)) as T | null) : null;
  if (!res.ok) await res.body?.cancel();
  return { status: res.status, body };
}

type Discovered = { resource: string; metadata: ServerMetadata; requireIss: boolean };
type ResourcePath = "v1" | "mcp";

/**
 * RFC 9728 §3: the resource's identifier and its authorization server; then RFC 8414 §3 metadata.
 * The token must be for the server being logged in to: the metadata's `resource` has to be exactly
 * `<base>/v1` (or `<base>/mcp`) (RFC 9728 §3.3) and the authorization server has to live on the same
 * origin, or a server could name another platform, have the user consent there, and receive its token.
 */
async function discover(base: string, insecure: boolean, path: ResourcePath = "v1"): Promise<Discovered> {
  const protectedResource = await getJson<{ resource?: string; authorization_servers?: string[] }>(`${base}/.well-known/oauth-protected-resource/${path}`);
  if (!protectedResource.body) {
    if (path === "mcp") throw new CliError(`${base} offers no OAuth sign-in for its /mcp endpoint (no protected resource metadata); log in with --no-mcp, or use --api-key for executor mcp`, EXIT.auth);
    throw new CliError(`${base} does not offer OAuth sign-in (no protected resource metadata); use executor login --api-key`, EXIT.auth);
  }
  const expected = `${base}/${path}`;
  const resource = protectedResource.body.resource;
  if (resource !== expected) throw new CliError(`${base} names the resource '${clean(String(resource))}', not ${expected}; refusing to sign in (RFC 9728 §3.3)`, EXIT.auth);
  const named = protectedResource.body.authorization_servers?.[0];
  if (typeof named !== "string") throw new CliError(`${base} names no authorization server; use executor login --api-key`, EXIT.auth);
  let issuerOrigin: string;
  try {
    issuerOrigin = new URL(named).origin;
  } catch {
    throw new CliError(`${base} names the authorization server '${clean(named)}', which is not a URL`, EXIT.auth);
  }
  if (issuerOrigin !== base) throw new CliError(`${base} names the authorization server ${clean(named)} on another origin; refusing to sign in`, EXIT.auth);
  const issuer = safeEndpoint(named, "the authorization server", base, insecure).replace(/\/$/, "");
  const { body: metadata } = await getJson<ServerMetadata>(`${issuer}/.well-known/oauth-authorization-server`);
  if (!metadata?.authorization_endpoint || !metadata.token_endpoint) throw new CliError(`${base} does not offer OAuth sign-in; use executor login --api-key`, EXIT.auth);
  // RFC 8414 §3.3: the issuer named must be the one the metadata was fetched for.
  if (metadata.issuer !== issuer && metadata.issuer !== named) throw new CliError(`the authorization server says it is ${clean(String(metadata.issuer))}, not ${issuer}`, EXIT.auth);
  if (!metadata.registration_endpoint) throw new CliError(`${issuer} does not allow client registration; use executor login --api-key`, EXIT.auth);
  if (!metadata.code_challenge_methods_supported?.includes("S256")) throw new CliError(`${issuer} does not support PKCE S256`, EXIT.auth);
  const checked: ServerMetadata = {
    ...metadata,
    authorization_endpoint: safeEndpoint(metadata.authorization_endpoint, "the authorization endpoint", base, insecure),
    token_endpoint: safeEndpoint(metadata.token_endpoint, "the token endpoint", base, insecure),
    registration_endpoint: safeEndpoint(metadata.registration_endpoint, "the registration endpoint", base, insecure),
  };
  return { resource, metadata: checked, requireIss: metadata.authorization_response_iss_parameter_supported === true };
}

async function register(endpoint: string, redirectUri: string): Promise<string> {
  const res = await postNoRedirect(endpoint, {
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      client_name: "Executor CLI",
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    }),
  });
  const body = (await res.json().catch(() => null)) as { client_id?: string } | null;
  if (!res.ok || !body?.client_id) throw new CliError(`client registration failed (${res.status})`, EXIT.auth);
  return body.client_id;
}

/** The loopback listener: resolves with the code once a redirect with the right state arrives. */
function listen(expectedState: string, issuer: string, requireIss: boolean, timeoutMs: number): Promise<{ redirectUri: string; code: Promise<string>; close: () => void }> {
  return new Promise((ready, fail) => {
    let settle: { ok: (code: string) => void; err: (error: Error) => void } | undefined;
    const code = new Promise<string>((ok, err) => (settle = { ok, err }));
    code.catch(() => undefined); // awaited later; a failure before then must not be "unhandled"
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (req.method !== "GET" || url.pathname !== "/callback") {
        res.writeHead(404).end();
        return;
      }
      const reply = (status: number, text: string): void => {
        res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end(text);
      };
      const params = url.searchParams;
      // OAuth 2.1 §7.12: the state ties the answer to this request; anything else is ignored.
      if (params.get("state") !== expectedState) return reply(400, "This sign-in link is not the one the executor CLI started.");
      const iss = params.get("iss");
      let outcome: Error | string;
      // RFC 9207 §2.4: a server that advertises `iss` must send it, and it must be the issuer.
      if (iss === null && requireIss) outcome = new CliError(`the sign-in answer carried no iss although ${issuer} sends one (RFC 9207)`, EXIT.auth);
      else if (iss !== null && iss !== issuer) outcome = new CliError(`the sign-in answer came from ${clean(iss)}, not ${issuer}`, EXIT.auth);
      else if (params.get("error")) outcome = new CliError(`sign-in was not completed: ${clean(params.get("error_description") ?? params.get("error") ?? "")}`, EXIT.auth);
      else outcome = params.get("code") ?? new CliError("the sign-in answer carried no code", EXIT.auth);
      reply(typeof outcome === "string" ? 200 : 400, typeof outcome === "string" ? "Signed in. You can close this tab and return to the terminal." : outcome.message);
      finish(outcome);
    });
    const timer = setTimeout(() => finish(new CliError(`no sign-in within ${Math.round(timeoutMs / 1000)} s`, EXIT.auth)), timeoutMs);
    let done = false;
    const finish = (outcome: Error | string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      server.close();
      server.closeAllConnections();
      if (typeof outcome === "string") settle?.ok(outcome);
      else settle?.err(outcome);
    };
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      ready({ redirectUri: `http://127.0.0.1:${port}/callback`, code, close: () => finish(new CliError("sign-in abandoned", EXIT.auth)) });
    });
  });
}

/**
 * How to open a URL in the browser without a shell: only https, or http on a loopback host; on
 * Windows rundll32's FileProtocolHandler (never `cmd /c start`, where `&` in a URL runs commands).
 * null: not opened (the printed URL is enough).
 */
export function browserCommand(url: string, platform: NodeJS.Platform = process.platform): [string, string[]] | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!(parsed.protocol === "https:" || (parsed.protocol === "http:" && isLoopbackHost(parsed.hostname)))) return null;
  if (platform === "darwin") return ["open", [parsed.href]];
  if (platform === "win32") return ["rundll32", ["url.dll,FileProtocolHandler", parsed.href]];
  return ["xdg-open", [parsed.href]];
}

function openInBrowser(url: string): void {
  const command = browserCommand(url);
  if (!command) return;
  try {
    const child = spawn(command[0], command[1], { detached: true, stdio: "ignore", shell: false });
    child.on("error", () => undefined); // no browser here: the printed URL is enough
    child.unref();
  } catch {
    // ditto
  }
}

export async function oauthLogin(base: string, opts: OAuthOptions): Promise<OAuthAuth> {
  const insecure = opts.insecure === true;
  const v1 = await authorizeResource(await discover(base, insecure, "v1"), null, opts);
  const auth: OAuthAuth = { kind: "oauth", ...v1 };
  if (opts.mcp === false) return auth;
  // The same consent flow again for <base>/mcp, validated the same way; the client registered above is
  // reused (a loopback redirect may change port, RFC 8252 §7.3).
  const mcpServer = await discover(base, insecure, "mcp");
  opts.info("Now approve access for executor mcp (the /mcp endpoint):");
  const mcp = await authorizeResource(mcpServer, v1.clientId, opts);
  return { ...auth, mcp: { accessToken: mcp.accessToken, refreshToken: mcp.refreshToken, expiresAt: mcp.expiresAt, tokenEndpoint: mcp.tokenEndpoint } };
}

async function authorizeResource({ resource, metadata, requireIss }: Discovered, clientId: string | null, opts: OAuthOptions): Promise<Granted> {
  const state = randomBytes(16).toString("base64url");
  const listener = await listen(state, metadata.issuer, requireIss, opts.timeoutMs);
  try {
    return await authorizeThrough(metadata, resource, state, listener, clientId, opts);
  } finally {
    listener.close();
  }
}

async function authorizeThrough(
  metadata: ServerMetadata,
  resource: string,
  state: string,
  listener: { redirectUri: string; code: Promise<string> },
  registered: string | null,
  opts: OAuthOptions,
): Promise<Granted> {
  const clientId = registered ?? (await register(metadata.registration_endpoint ?? "", listener.redirectUri));
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const authorize = new URL(metadata.authorization_endpoint);
  authorize.search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: listener.redirectUri,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
    resource,
  }).toString();
  opts.info(`Sign in and approve access in your browser:\n  ${clean(authorize.href)}`);
  if (opts.openBrowser) openInBrowser(authorize.href);
  const code = await listener.code;

  const res = await postNoRedirect(metadata.token_endpoint, {
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, code_verifier: verifier, client_id: clientId, redirect_uri: listener.redirectUri, resource }),
  });
  const tokens = ((await res.json().catch(() => ({}))) ?? {}) as TokenAnswer;
  if (!res.ok || typeof tokens.access_token !== "string") throw new CliError(`the token exchange failed: ${clean(String(tokens.error_description ?? tokens.error ?? res.status))}`, EXIT.auth);
  return {
    clientId,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? null,
    expiresAt: Date.now() + (tokens.expires_in ?? 3600) * 1000,
    tokenEndpoint: metadata.token_endpoint,
  };
}
