import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { networkError } from "./api";
import type { OAuthAuth } from "./config";
import { CliError, EXIT } from "./context";

/**
 * OAuth 2.1 sign-in for a native app (RFC 8252): discovery (RFC 9728, RFC 8414), dynamic registration
 * of a public client (RFC 7591), authorization code with PKCE S256 through a loopback redirect on
 * 127.0.0.1 (RFC 8252 §7.3), and a token bound to the /v1 resource (RFC 8707).
 */

type ServerMetadata = { issuer: string; authorization_endpoint: string; token_endpoint: string; registration_endpoint?: string; code_challenge_methods_supported?: string[] };
type TokenAnswer = { access_token?: string; refresh_token?: string; expires_in?: number; error?: string; error_description?: string };

export type OAuthOptions = { openBrowser: boolean; timeoutMs: number; info: (message: string) => void };

async function getJson<T>(url: string): Promise<{ status: number; body: T | null }> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: "application/json" } });
  } catch (error) {
    throw networkError(url, error);
  }
  const body = res.ok ? ((await res.json().catch(() => null)) as T | null) : null;
  return { status: res.status, body };
}

/** RFC 9728 §3: the API's resource identifier and its authorization server; then RFC 8414 §3 metadata. */
async function discover(base: string): Promise<{ resource: string; metadata: ServerMetadata }> {
  const protectedResource = await getJson<{ resource?: string; authorization_servers?: string[] }>(`${base}/.well-known/oauth-protected-resource/v1`);
  const resource = protectedResource.body?.resource ?? `${base}/v1`;
  const issuer = protectedResource.body?.authorization_servers?.[0] ?? base;
  const { body: metadata } = await getJson<ServerMetadata>(`${issuer}/.well-known/oauth-authorization-server`);
  if (!metadata?.authorization_endpoint || !metadata.token_endpoint) throw new CliError(`${base} does not offer OAuth sign-in; use executor login --api-key`, EXIT.auth);
  // RFC 8414 §3.3: the issuer named must be the one the metadata was fetched for.
  if (metadata.issuer !== issuer) throw new CliError(`the authorization server says it is ${metadata.issuer}, not ${issuer}`, EXIT.auth);
  if (!metadata.registration_endpoint) throw new CliError(`${issuer} does not allow client registration; use executor login --api-key`, EXIT.auth);
  if (!metadata.code_challenge_methods_supported?.includes("S256")) throw new CliError(`${issuer} does not support PKCE S256`, EXIT.auth);
  return { resource, metadata };
}

async function register(endpoint: string, redirectUri: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        client_name: "Executor CLI",
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
      }),
    });
  } catch (error) {
    throw networkError(endpoint, error);
  }
  const body = (await res.json().catch(() => null)) as { client_id?: string } | null;
  if (!res.ok || !body?.client_id) throw new CliError(`client registration failed (${res.status})`, EXIT.auth);
  return body.client_id;
}

/** The loopback listener: resolves with the code once a redirect with the right state arrives. */
function listen(expectedState: string, issuer: string, timeoutMs: number): Promise<{ redirectUri: string; code: Promise<string>; close: () => void }> {
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
      if (iss !== null && iss !== issuer) outcome = new CliError(`the sign-in answer came from ${iss}, not ${issuer}`, EXIT.auth); // RFC 9207 §2.4
      else if (params.get("error")) outcome = new CliError(`sign-in was not completed: ${params.get("error_description") ?? params.get("error")}`, EXIT.auth);
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

function openInBrowser(url: string): void {
  const [command, ...args] = process.platform === "darwin" ? ["open"] : process.platform === "win32" ? ["cmd", "/c", "start", ""] : ["xdg-open"];
  try {
    const child = spawn(command ?? "xdg-open", [...args, url], { detached: true, stdio: "ignore" });
    child.on("error", () => undefined); // no browser here: the printed URL is enough
    child.unref();
  } catch {
    // ditto
  }
}

export async function oauthLogin(base: string, opts: OAuthOptions): Promise<OAuthAuth> {
  const { resource, metadata } = await discover(base);
  const state = randomBytes(16).toString("base64url");
  const listener = await listen(state, metadata.issuer, opts.timeoutMs);
  try {
    return await authorizeThrough(metadata, resource, state, listener, opts);
  } finally {
    listener.close();
  }
}

async function authorizeThrough(
  metadata: ServerMetadata,
  resource: string,
  state: string,
  listener: { redirectUri: string; code: Promise<string> },
  opts: OAuthOptions,
): Promise<OAuthAuth> {
  const clientId = await register(metadata.registration_endpoint ?? "", listener.redirectUri);
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
  opts.info(`Sign in and approve access in your browser:\n  ${authorize.href}`);
  if (opts.openBrowser) openInBrowser(authorize.href);
  const code = await listener.code;

  let res: Response;
  try {
    res = await fetch(metadata.token_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, code_verifier: verifier, client_id: clientId, redirect_uri: listener.redirectUri, resource }),
    });
  } catch (error) {
    throw networkError(metadata.token_endpoint, error);
  }
  const tokens = (await res.json().catch(() => ({}))) as TokenAnswer;
  if (!res.ok || !tokens.access_token) throw new CliError(`the token exchange failed: ${tokens.error_description ?? tokens.error ?? res.status}`, EXIT.auth);
  return {
    kind: "oauth",
    clientId,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? null,
    expiresAt: Date.now() + (tokens.expires_in ?? 3600) * 1000,
  };
}
