import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "./browserless";
import { consentAndGetCode, signUpInBrowser } from "./browserless";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";

/** The MCP SDK's own OAuth client, with storage in memory and the "browser" handed to the test. */
class MemoryProvider implements OAuthClientProvider {
  info: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = "";
  authorizationUrl: URL | undefined;

  get redirectUrl(): string {
    return "http://127.0.0.1:53682/callback";
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "MCP SDK test client",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.info = info;
  }
  tokens(): OAuthTokens | undefined {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    return this.verifier;
  }
}

describe("an MCP client completes OAuth against the local platform", () => {
  let platform: Platform;
  let browser: Browser;

  beforeAll(async () => {
    platform = await startPlatform();
    browser = await signUpInBrowser(platform.baseUrl, "mcp-user@example.com");
  });

  afterAll(async () => {
    await platform?.stop();
    if (platform) removeDataDir(platform.dataDir);
  });

  it("discovers, registers, gets consent, exchanges the code and connects", async () => {
    const provider = new MemoryProvider();
    const url = new URL("/mcp", platform.baseUrl);
    const first = new Client({ name: "sdk-test", version: "1.0.0" });
    // No token yet: the SDK follows the 401 to our metadata, registers itself and asks to redirect.
    await expect(first.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }))).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect(provider.info?.client_id).toBeTruthy();
    const authorization = provider.authorizationUrl;
    expect(authorization?.pathname).toBe("/oauth/authorize");
    expect(authorization?.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorization?.searchParams.get("resource")).toBe(`${platform.baseUrl}/mcp`);

    // The person approves in their browser; the client receives the code on its redirect URI.
    const { code } = await consentAndGetCode(browser, `${authorization?.pathname}${authorization?.search}`);
    const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
    await transport.finishAuth(code);
    expect(provider.saved?.access_token).toBeTruthy();
    expect(provider.saved?.refresh_token).toBeTruthy();

    const client = new Client({ name: "sdk-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
    expect(client.getServerVersion()?.name).toBe("executor");
    expect(await client.ping()).toEqual({});
    await client.close();
  });

  it("answers /mcp without a token with 401 pointing at the protected resource metadata", async () => {
    const res = await fetch(`${platform.baseUrl}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${platform.baseUrl}/.well-known/oauth-protected-resource/mcp"`,
    );
  });
});
