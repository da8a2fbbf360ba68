import { expect } from "vitest";
import type { Account } from "./helpers";
import { Browser } from "../e2e/browserless";
import { signUpFromInvitation } from "../e2e/mailbox";
import { PASSWORD, createApiKey, signUp } from "./helpers";

/** One /v1 answer, parsed once; `text` is kept for leak checks. */
export type Answer = { status: number; body: Record<string, unknown>; text: string };

export type Api = {
  get: (path: string) => Promise<Answer>;
  post: (path: string, body?: unknown) => Promise<Answer>;
  put: (path: string, body: unknown) => Promise<Answer>;
  patch: (path: string, body: unknown) => Promise<Answer>;
  delete: (path: string) => Promise<Answer>;
};

/**
 * A /v1 client for any kind of credential (`headers` is read on every request, so a session's
 * cookie and CSRF token can be supplied lazily). Every answer is appended to `transcript`.
 */
export function apiClient(base: string, headers: () => Record<string, string>, transcript: string[] = []): Api {
  async function call(method: string, path: string, body?: unknown): Promise<Answer> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers(), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    transcript.push(`${method} ${path} → ${res.status}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${text}`);
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: leave the body empty, the text is still there
    }
    return { status: res.status, body: parsed, text };
  }
  return {
    get: (path) => call("GET", path),
    post: (path, body) => call("POST", path, body ?? {}),
    put: (path, body) => call("PUT", path, body),
    patch: (path, body) => call("PATCH", path, body),
    delete: (path) => call("DELETE", path),
  };
}

export function bearerHeaders(token: string): () => Record<string, string> {
  return () => ({ authorization: `Bearer ${token}` });
}

/** Imports the pet store as an OpenAPI source (loopback, so `local: true`) and expects 201. */
export async function importPetstore(api: Api, slug: string, upstreamUrl: string, scope: "org" | "user" = "org"): Promise<Answer> {
  const res = await api.post("/v1/sources", { scope, slug, kind: "openapi", config: { url: `${upstreamUrl}/openapi.json` }, local: true });
  expect(res.status, res.text).toBe(201);
  return res;
}

/** Creates a connection holding a vault secret and expects 201. */
export async function connect(api: Api, source: string, name: string, secret: string, scope: "org" | "user" = "org"): Promise<Answer> {
  const res = await api.post("/v1/connections", { scope, source, name, secret });
  expect(res.status, res.text).toBe(201);
  return res;
}

export type Member = { email: string; userId: string; orgId: string; key: string };

/** Signs up an org owner (kept for the tests that name owners this way). */
export async function signUpOwner(base: string, name: string): Promise<Account> {
  return signUp(base, `${name}@owners.example`);
}

/**
 * An org member with an API key acting in the owner's org: invited through `POST /v1/org/members`,
 * then signed up from the invitation link mailed to them (`POST /v1/invitations/signup`), which
 * lands their session in the inviting org. The key may administer what the member could.
 */
export async function joinAsMember(base: string, owner: Api, orgId: string, name: string): Promise<Member> {
  const email = `${name}@members.example`;
  const invited = await owner.post("/v1/org/members", { email });
  expect(invited.status, invited.text).toBe(201);
  const res = await signUpFromInvitation(base, email, PASSWORD);
  expect(res.status).toBe(201);
  const browser = new Browser(base);
  browser.jar.store(res);
  const body = (await res.json()) as { user: { id: string }; org: { id: string }; role: string; csrfToken: string };
  expect(body).toMatchObject({ org: { id: orgId }, role: "member" });
  const account: Account = { email, userId: body.user.id, orgId, csrfToken: body.csrfToken, browser };
  const key = await createApiKey(base, account, `${name}'s key`);
  return { email, userId: account.userId, orgId, key: key.key };
}

/** The tool addresses in a `GET /v1/tools` answer. */
export function addresses(answer: Answer): string[] {
  return ((answer.body.tools ?? []) as Array<{ address: string }>).map((t) => t.address).sort();
}

/** A Run as the conformance tests read it. */
export type Run = {
  id: string;
  status: string;
  address: string;
  capabilities: string[];
  principal: { userId: string };
  approvals: Array<{ decision: string; by: string }>;
  admission: {
    outcome: string;
    reason: { code: string };
    rule: { kind: string; policyId?: string; scope?: string; level?: string; action: string } | null;
    decidingScope: string | null;
  };
};
export type Problem = { type: string; detail: string; runId?: string };

export function describeAddress(api: Api, address: string): Promise<Answer> {
  return api.get(`/v1/tools/describe?address=${encodeURIComponent(address)}`);
}

export async function createPolicy(api: Api, body: Record<string, unknown>): Promise<string> {
  const res = await api.post("/v1/policies", body);
  expect(res.status, res.text).toBe(201);
  return (res.body.policy as { id: string }).id;
}
