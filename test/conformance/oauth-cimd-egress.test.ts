import { createServer } from "node:net";
import type { Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pkcePair } from "../e2e/browserless";
import { signUp, usePlatform } from "./helpers";

// DESIGN invariant 4: all upstream traffic goes through one egress guard, libraries' included. The
// OAuth library fetches a Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document)
// for URL client ids before anyone signs in; a loopback or private URL must never be connected to.
const platform = usePlatform();

let trap: Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  // A raw TCP listener: any connection at all (even a TLS handshake that would fail) counts.
  trap = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((ok) => trap.listen(0, "127.0.0.1", ok));
  const address = trap.address();
  port = typeof address === "object" && address ? address.port : 0;
});

afterAll(async () => {
  await new Promise<void>((ok) => trap.close(() => ok()));
});

function authorizeUrl(base: string, clientId: string): string {
  const url = new URL("/oauth/authorize", base);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: "http://127.0.0.1:53682/callback",
    code_challenge: pkcePair().challenge,
    code_challenge_method: "S256",
    state: "s",
    resource: `${base}/mcp`,
  }).toString();
  return url.href;
}

describe("OAuth client metadata documents go through the egress guard", () => {
  const targets = (): string[] => [
    `https://127.0.0.1:${port}/client.json`,
    `https://localhost:${port}/client.json`,
    `https://[::ffff:127.0.0.1]:${port}/client.json`,
  ];

  it("never connects to a loopback client_id URL from the authorization endpoint, signed in or not", async () => {
    const base = platform().baseUrl;
    const account = await signUp(base, "cimd@egress.example");
    for (const clientId of targets()) {
      const anonymous = await fetch(authorizeUrl(base, clientId), { redirect: "manual" });
      expect(anonymous.status).toBeGreaterThanOrEqual(400);
      const signedIn = await account.browser.get(authorizeUrl(base, clientId));
      expect(signedIn.status).toBeGreaterThanOrEqual(400);
    }
    expect(connections).toBe(0);
  });

  it("never connects to a loopback client_id URL from the token endpoint", async () => {
    const base = platform().baseUrl;
    for (const clientId of targets()) {
      const res = await fetch(`${base}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "authorization_code", code: "x:y:z", client_id: clientId, code_verifier: "v".repeat(43), redirect_uri: "http://127.0.0.1:53682/callback" }),
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
    expect(connections).toBe(0);
  });
});
