import { afterAll, beforeAll } from "vitest";
import type { OAuthClient } from "../e2e/browserless";
import { Browser, authorizeUrl, consentAndGetCode, pkcePair, registerClient, tokenRequest } from "../e2e/browserless";
import type { Platform } from "../e2e/platform";
import { verifiedSignUp } from "../e2e/mailbox";
import { removeDataDir, startPlatform } from "../e2e/platform";

export const PASSWORD = "correct horse battery staple";
export const MCP_ACCEPT = "application/json, text/event-stream";

/** One real platform per file: started before the first test, stopped and its data removed after the last. */
export function usePlatform(env?: Record<string, string>): () => Platform {
  let platform: Platform | undefined;
  beforeAll(async () => {
    platform = await startPlatform(env ? { env } : {});
  });
  afterAll(async () => {
    await platform?.stop();
    if (platform) removeDataDir(platform.dataDir);
  });
  return () => {
    if (!platform) throw new Error("platform not started");
    return platform;
  };
}

export type Account = {
  email: string;
  userId: string;
  orgId: string;
  csrfToken: string;
  /** Holds the `__Host-executor_session` and CSRF cookies, so it can also drive the consent page. */
  browser: Browser;
};

/**
 * Signs up through `POST /v1/signup` (JSON) and the link mailed to the development mailbox
 * (`POST /v1/signup/verify`), keeping the session cookie as a browser would.
 */
export async function signUp(base: string, email: string): Promise<Account> {
  const browser = new Browser(base);
  const res = await verifiedSignUp(base, email, PASSWORD);
  if (res.status !== 201) throw new Error(`sign-up answered ${res.status}: ${await res.text()}`);
  browser.jar.store(res);
  const body = (await res.json()) as { user: { id: string }; org: { id: string }; csrfToken: string };
  return { email, userId: body.user.id, orgId: body.org.id, csrfToken: body.csrfToken, browser };
}

/** Headers for a session-cookie request; `csrf: false` leaves out the x-csrf-token header. */
export function sessionHeaders(account: Account, opts: { csrf?: boolean; json?: boolean } = {}): Record<string, string> {
  const headers: Record<string, string> = { cookie: account.browser.jar.header() };
  if (opts.csrf !== false) headers["x-csrf-token"] = account.csrfToken;
  if (opts.json) headers["content-type"] = "application/json";
  return headers;
}

/** A JSON request with the given method (POST unless told). */
export function sendJson(url: string, headers: Record<string, string>, body: unknown, method = "POST"): Promise<Response> {
  return fetch(url, { method, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
}

export function logIn(base: string, email: string, password: string): Promise<Response> {
  return sendJson(`${base}/v1/login`, {}, { email, password });
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/**
 * Creates an org-wide API key with the account's session (cookie + CSRF header). By default it may
 * administer the catalog and manage keys, as the person could (tests of what plain keys may not do
 * pass `capabilities: []`).
 */
export async function createApiKey(
  base: string,
  account: Account,
  name = "conformance",
  capabilities: string[] = ["administer", "manage-keys"],
): Promise<{ key: string; id: string }> {
  const res = await sendJson(`${base}/v1/api-keys`, sessionHeaders(account), { name, toolkit: null, capabilities });
  if (res.status !== 201) throw new Error(`key creation answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { key: string; apiKey: { id: string } };
  return { key: body.key, id: body.apiKey.id };
}

export type TokenSet = { access_token: string; refresh_token: string; token_type: string; expires_in: number; resource: string };

export type Grant = { client: OAuthClient; verifier: string; code: string; redirect: URL };

/** A fresh DCR client, authorized by the account on the consent page for one resource; the code is not yet exchanged. */
export async function authorizeCode(base: string, account: Account, resource: string, state = "st-123"): Promise<Grant> {
  // A fresh client per grant: completing an authorization revokes the same client's earlier grant
  // for the same user and resource, which would otherwise couple the tests.
  const client = await registerClient(base);
  const { verifier, challenge } = pkcePair();
  const { code, redirect } = await consentAndGetCode(account.browser, authorizeUrl(base, client, { challenge, resource, state }));
  return { client, verifier, code, redirect };
}

export function exchangeCode(base: string, grant: Grant): Promise<Response> {
  return tokenRequest(base, {
    grant_type: "authorization_code",
    code: grant.code,
    code_verifier: grant.verifier,
    client_id: grant.client.clientId,
    redirect_uri: grant.client.redirectUri,
  });
}

/** Authorization code + PKCE end to end; returns the client and its tokens for `resource`. */
export async function obtainTokens(base: string, account: Account, resource: string): Promise<{ client: OAuthClient; tokens: TokenSet }> {
  const grant = await authorizeCode(base, account, resource);
  const res = await exchangeCode(base, grant);
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  return { client: grant.client, tokens: (await res.json()) as TokenSet };
}

export function refresh(base: string, client: OAuthClient, refreshToken: string): Promise<Response> {
  return tokenRequest(base, { grant_type: "refresh_token", refresh_token: refreshToken, client_id: client.clientId });
}

/** An MCP `initialize` request over Streamable HTTP. */
export function mcpInitialize(base: string, token: string): Promise<Response> {
  return fetch(`${base}/mcp`, {
    method: "POST",
    headers: { ...bearer(token), "content-type": "application/json", accept: MCP_ACCEPT },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "conformance", version: "1.0.0" } },
    }),
  });
}

/** Parses `WWW-Authenticate: Bearer k="v", …` into its parameters (RFC 6750 §3). */
export function bearerChallenge(header: string | null): Record<string, string> {
  if (!header?.startsWith("Bearer ")) throw new Error(`not a Bearer challenge: ${header}`);
  return Object.fromEntries([...header.slice(7).matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1] ?? "", m[2] ?? ""]));
}
