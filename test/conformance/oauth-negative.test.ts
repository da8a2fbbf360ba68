import { beforeAll, describe, expect, it } from "vitest";
import { authorizeUrl, hiddenInput, pkcePair, registerClient, tokenRequest } from "../e2e/browserless";
import type { Account, TokenSet } from "./helpers";
import {
  MCP_ACCEPT,
  authorizeCode,
  bearer,
  bearerChallenge,
  exchangeCode,
  mcpInitialize,
  obtainTokens,
  refresh,
  signUp,
  usePlatform,
} from "./helpers";

// workers-oauth-provider refuses an accessTokenTTL under 60 s (Cloudflare KV's minimum expiration),
// so 60 is the shortest lifetime the platform can run with; the expiry test waits it out last.
const ACCESS_TOKEN_TTL = 60;
const platform = usePlatform({ EXECUTOR_OAUTH_ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL) });

let account: Account;
let expiring: { tokens: TokenSet; refresh: (token: string) => Promise<Response>; issuedAt: number };

beforeAll(async () => {
  const base = platform().baseUrl;
  account = await signUp(base, "negative-owner@example.com");
  const { client, tokens } = await obtainTokens(base, account, `${base}/v1`);
  const issuedAt = Date.now(); // no earlier than the server's own issue time
  expiring = { tokens, issuedAt, refresh: (token) => refresh(base, client, token) };
});

const v1Me = (base: string, token: string): Promise<Response> => fetch(`${base}/v1/me`, { headers: bearer(token) });

async function oauthError(res: Response): Promise<string> {
  return ((await res.json()) as { error: string }).error;
}

/** RFC 6750 §3.1: 401 with `error="invalid_token"`, pointing at this resource's metadata (RFC 9728 §5.1). */
async function expectInvalidToken(res: Response, resource: "mcp" | "v1"): Promise<void> {
  expect(res.status).toBe(401);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const challenge = bearerChallenge(res.headers.get("www-authenticate"));
  expect(challenge.error).toBe("invalid_token");
  expect(challenge.resource_metadata).toBe(`${platform().baseUrl}/.well-known/oauth-protected-resource/${resource}`);
  expect(((await res.json()) as { status: number }).status).toBe(401);
}

describe("token audience (RFC 8707; MCP authorization §Token Audience Binding and Validation)", () => {
  it("refuses a token issued for /mcp at /v1", async () => {
    const base = platform().baseUrl;
    const { tokens } = await obtainTokens(base, account, `${base}/mcp`);
    expect((await mcpInitialize(base, tokens.access_token)).status).toBe(200);
    await expectInvalidToken(await v1Me(base, tokens.access_token), "v1");
  });

  it("refuses a token issued for /v1 at /mcp", async () => {
    const base = platform().baseUrl;
    const { tokens } = await obtainTokens(base, account, `${base}/v1`);
    expect((await v1Me(base, tokens.access_token)).status).toBe(200);
    await expectInvalidToken(await mcpInitialize(base, tokens.access_token), "mcp");
  });

  it("refuses to retarget a grant to another resource at refresh (RFC 8707 §2.2: invalid_target)", async () => {
    const base = platform().baseUrl;
    const { client, tokens } = await obtainTokens(base, account, `${base}/mcp`);
    const res = await tokenRequest(base, {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: client.clientId,
      resource: `${base}/v1`,
    });
    expect(res.status).toBe(400);
    expect(await oauthError(res)).toBe("invalid_target");
  });
});

describe("authorization code (OAuth 2.1 §4.1.3, RFC 6749 §4.1.2, RFC 7636)", () => {
  it("refuses a replayed code and revokes the tokens already issued from it", async () => {
    const base = platform().baseUrl;
    const grant = await authorizeCode(base, account, `${base}/v1`);
    const first = await exchangeCode(base, grant);
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as TokenSet;
    expect((await v1Me(base, tokens.access_token)).status).toBe(200);

    const replay = await exchangeCode(base, grant);
    expect(replay.status).toBe(400);
    expect(await oauthError(replay)).toBe("invalid_grant");
    // OAuth 2.1 §4.1.3 SHOULD (the library does it): the whole grant is revoked on replay.
    await expectInvalidToken(await v1Me(base, tokens.access_token), "v1");
    const refreshed = await refresh(base, grant.client, tokens.refresh_token);
    expect(refreshed.status).toBe(400);
    expect(await oauthError(refreshed)).toBe("invalid_grant");
  });

  it("renders an unregistered redirect URI as a local error page and never redirects to it", async () => {
    const base = platform().baseUrl;
    const client = await registerClient(base);
    const { challenge } = pkcePair();
    for (const redirectUri of ["https://attacker.example/callback", "http://127.0.0.1:53682/elsewhere"]) {
      const res = await account.browser.get(authorizeUrl(base, client, { challenge, resource: `${base}/v1`, redirectUri }));
      // OAuth 2.1 §4.1.2.1: MUST NOT automatically redirect to an invalid redirect URI.
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain("Authorization failed");
      expect(html).toContain("Invalid redirect URI");
      expect(html).not.toContain('name="handle"');
    }
  });

  it("refuses a code exchanged with a redirect_uri other than the authorized one (RFC 6749 §4.1.3; OAuth 2.1 §10.2)", async () => {
    const base = platform().baseUrl;
    const grant = await authorizeCode(base, account, `${base}/v1`);
    const res = await tokenRequest(base, {
      grant_type: "authorization_code",
      code: grant.code,
      code_verifier: grant.verifier,
      client_id: grant.client.clientId,
      redirect_uri: "http://127.0.0.1:53682/elsewhere",
    });
    expect(res.status).toBe(400);
    expect(await oauthError(res)).toBe("invalid_grant");
  });

  it("refuses an authorization request without PKCE from a public client (OAuth 2.1 §4.1.2.1)", async () => {
    const base = platform().baseUrl;
    const client = await registerClient(base);
    const res = await account.browser.get(authorizeUrl(base, client, { resource: `${base}/v1`, state: "no-pkce" }));
    // The client and redirect URI are valid, so the error goes back to it (OAuth 2.1 §4.1.2.1), with no code.
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(client.redirectUri);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("state")).toBe("no-pkce");
    expect(location.searchParams.has("code")).toBe(false);
  });

  it("refuses a code exchanged without its code_verifier (OAuth 2.1 §4.1.3; RFC 7636 §4.6)", async () => {
    const base = platform().baseUrl;
    const grant = await authorizeCode(base, account, `${base}/v1`);
    const res = await tokenRequest(base, {
      grant_type: "authorization_code",
      code: grant.code,
      client_id: grant.client.clientId,
      redirect_uri: grant.client.redirectUri,
    });
    expect(res.status).toBe(400);
    expect(await oauthError(res)).toBe("invalid_request");
  });

  it("refuses a code exchanged with the wrong code_verifier (OAuth 2.1 §4.1.3; RFC 7636 §4.6)", async () => {
    const base = platform().baseUrl;
    const grant = await authorizeCode(base, account, `${base}/v1`);
    const res = await exchangeCode(base, { ...grant, verifier: pkcePair().verifier });
    expect(res.status).toBe(400);
    expect(await oauthError(res)).toBe("invalid_grant");
  });

  it("refuses the plain code_challenge_method (OAuth 2.1 §4.1.2.1; MCP authorization: S256)", async () => {
    const base = platform().baseUrl;
    const client = await registerClient(base);
    const { verifier } = pkcePair();
    const path = authorizeUrl(base, client, { resource: `${base}/v1`, state: "plain" });
    const res = await account.browser.get(`${path}&code_challenge=${verifier}&code_challenge_method=plain`);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "");
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("state")).toBe("plain");
    expect(location.searchParams.has("code")).toBe(false);
  });
});

describe("bearer token use (RFC 6750, RFC 7009, OAuth 2.1 §5)", () => {
  it("refuses an access token in the query string, even a valid one (OAuth 2.1 §5.1)", async () => {
    const base = platform().baseUrl;
    const token = encodeURIComponent(expiring.tokens.access_token);
    const requests = [
      fetch(`${base}/v1/me?access_token=${token}`),
      fetch(`${base}/mcp?access_token=${token}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: MCP_ACCEPT },
        body: "{}",
      }),
    ];
    for (const res of await Promise.all(requests)) {
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(bearerChallenge(res.headers.get("www-authenticate")).error).toBe("invalid_request");
    }
  });

  it("answers a garbage bearer token with 401 and error=\"invalid_token\" (RFC 6750 §3.1; OAuth 2.1 §5.3)", async () => {
    const base = platform().baseUrl;
    await expectInvalidToken(await v1Me(base, "garbage-token"), "v1");
    await expectInvalidToken(await v1Me(base, "user_x:grant_y:secret_z"), "v1");
    await expectInvalidToken(await v1Me(base, "exk_notarealkey0000000000000000000"), "v1");
    await expectInvalidToken(await mcpInitialize(base, "garbage-token"), "mcp");
  });

  it("stops accepting a revoked access token (RFC 7009 §2.1) while its refresh token still works", async () => {
    const base = platform().baseUrl;
    const { client, tokens } = await obtainTokens(base, account, `${base}/v1`);
    const res = await tokenRequest(base, { token: tokens.access_token, token_type_hint: "access_token", client_id: client.clientId });
    expect(res.status).toBe(200);
    await expectInvalidToken(await v1Me(base, tokens.access_token), "v1");
    // RFC 7009 §2.1 lets the server keep the refresh token when an access token is revoked; this one does.
    expect((await refresh(base, client, tokens.refresh_token)).status).toBe(200);
  });

  it("revokes the whole grant, access tokens included, when its refresh token is revoked (RFC 7009 §2.1)", async () => {
    const base = platform().baseUrl;
    const { client, tokens } = await obtainTokens(base, account, `${base}/v1`);
    const res = await tokenRequest(base, { token: tokens.refresh_token, token_type_hint: "refresh_token", client_id: client.clientId });
    expect(res.status).toBe(200);
    const refreshed = await refresh(base, client, tokens.refresh_token);
    expect(refreshed.status).toBe(400);
    expect(await oauthError(refreshed)).toBe("invalid_grant");
    await expectInvalidToken(await v1Me(base, tokens.access_token), "v1");
  });

  it("does not let another client revoke a token it was not issued (RFC 7009 §2.1)", async () => {
    const base = platform().baseUrl;
    const { tokens } = await obtainTokens(base, account, `${base}/v1`);
    const other = await registerClient(base);
    // The library answers 200 here, where RFC 7009 §2.1 says the request "is refused" with an error; only
    // the outcome is asserted: the token keeps working.
    await tokenRequest(base, { token: tokens.access_token, client_id: other.clientId });
    expect((await v1Me(base, tokens.access_token)).status).toBe(200);
  });

  it("answers 200 when revoking an unknown token (RFC 7009 §2.2)", async () => {
    const base = platform().baseUrl;
    const client = await registerClient(base);
    expect((await tokenRequest(base, { token: "user_x:grant_y:unknown", client_id: client.clientId })).status).toBe(200);
  });
});

describe("consent (OAuth 2.1 §4.1.2.1; RFC 9207)", () => {
  it("redirects a denied request to the client with error=access_denied, its state and the issuer", async () => {
    const base = platform().baseUrl;
    const client = await registerClient(base);
    const { challenge } = pkcePair();
    const consent = await account.browser.get(authorizeUrl(base, client, { challenge, resource: `${base}/v1`, state: "deny-me" }));
    expect(consent.status).toBe(200);
    const html = await consent.text();
    const res = await account.browser.post("/oauth/authorize", {
      csrf: hiddenInput(html, "csrf"),
      handle: hiddenInput(html, "handle"),
      toolkit: "",
      decision: "deny",
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(client.redirectUri);
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("deny-me");
    expect(location.searchParams.get("iss")).toBe(base);
    expect(location.searchParams.has("code")).toBe(false);
  });
});

describe("access token lifetime (OAuth 2.1 §5.2; RFC 6750 §3.1)", () => {
  it("refuses an access token once it has expired, while the refresh token still issues a new one", async () => {
    const base = platform().baseUrl;
    expect(expiring.tokens.expires_in).toBe(ACCESS_TOKEN_TTL);
    expect((await v1Me(base, expiring.tokens.access_token)).status).toBe(200);
    // Expiry is checked in whole seconds: wait until a full second past it.
    const wait = expiring.issuedAt + (ACCESS_TOKEN_TTL + 1) * 1000 + 250 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await expectInvalidToken(await v1Me(base, expiring.tokens.access_token), "v1");
    const refreshed = await expiring.refresh(expiring.tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    expect((await v1Me(base, ((await refreshed.json()) as TokenSet).access_token)).status).toBe(200);
  });
});
