import { createHash, randomBytes } from "node:crypto";
import { latestMail, linkToken } from "./mailbox";

/** A tiny cookie jar for driving the platform's pages over plain HTTP, as a browser would. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === "") this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }
}

/** A browser-like client: follows nothing automatically, keeps cookies, sends forms. */
export class Browser {
  readonly jar = new CookieJar();
  readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  async get(path: string): Promise<Response> {
    const res = await fetch(new URL(path, this.base), { headers: { cookie: this.jar.header() }, redirect: "manual" });
    this.jar.store(res);
    return res;
  }

  async post(path: string, form: Record<string, string>): Promise<Response> {
    const res = await fetch(new URL(path, this.base), {
      method: "POST",
      redirect: "manual",
      headers: { cookie: this.jar.header(), "content-type": "application/x-www-form-urlencoded", origin: new URL(this.base).origin },
      body: new URLSearchParams(form),
    });
    this.jar.store(res);
    return res;
  }
}

/** The value of a hidden input in a page. */
export function hiddenInput(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no hidden input ${name} in page`);
  return match[1];
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/**
 * Signs up through the pages as a person does: the form (202, "check your email"), the link from the
 * development mailbox, and its confirm button; returns the signed-in browser.
 */
export async function signUpInBrowser(base: string, email: string, password = "correct horse battery staple"): Promise<Browser> {
  const browser = new Browser(base);
  const page = await (await browser.get("/signup")).text();
  const res = await browser.post("/signup", { csrf: hiddenInput(page, "csrf"), email, password, orgName: "" });
  if (res.status !== 202) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const token = linkToken(await latestMail(base, email.toLowerCase(), /Confirm your email/), "verify");
  const confirm = await (await browser.get(`/verify/${token}`)).text();
  const done = await browser.post(`/verify/${token}`, { csrf: hiddenInput(confirm, "csrf") });
  if (done.status !== 303) throw new Error(`verification failed: ${done.status} ${await done.text()}`);
  return browser;
}

export type OAuthClient = { clientId: string; redirectUri: string };

/** RFC 7591 dynamic registration of a public client (PKCE, no secret), as MCP clients do. */
export async function registerClient(base: string, redirectUri = "http://127.0.0.1:53682/callback"): Promise<OAuthClient> {
  const res = await fetch(`${base}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: "Test MCP Client",
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    }),
  });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { client_id: string };
  return { clientId: body.client_id, redirectUri };
}

export function authorizeUrl(
  base: string,
  client: OAuthClient,
  opts: { challenge?: string; resource?: string; state?: string; redirectUri?: string },
): string {
  const url = new URL("/oauth/authorize", base);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", client.clientId);
  url.searchParams.set("redirect_uri", opts.redirectUri ?? client.redirectUri);
  url.searchParams.set("state", opts.state ?? "st-123");
  if (opts.challenge) {
    url.searchParams.set("code_challenge", opts.challenge);
    url.searchParams.set("code_challenge_method", "S256");
  }
  if (opts.resource) url.searchParams.set("resource", opts.resource);
  return url.pathname + url.search;
}

/**
 * Drives authorize → consent (approve, optionally choosing a toolkit) and returns the code from
 * the redirect back to the client.
 */
export async function consentAndGetCode(browser: Browser, path: string, toolkit = ""): Promise<{ code: string; redirect: URL }> {
  const consent = await browser.get(path);
  const html = await consent.text();
  if (consent.status !== 200) throw new Error(`authorize answered ${consent.status}: ${html}`);
  const res = await browser.post("/oauth/authorize", {
    csrf: hiddenInput(html, "csrf"),
    handle: hiddenInput(html, "handle"),
    toolkit,
    decision: "approve",
  });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`consent answered ${res.status}`);
  const redirect = new URL(location);
  const code = redirect.searchParams.get("code");
  if (!code) throw new Error(`no code in ${location}`);
  return { code, redirect };
}

export async function tokenRequest(base: string, params: Record<string, string>): Promise<Response> {
  return fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
}
