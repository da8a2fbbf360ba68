import { verifiedSignUp } from "./mailbox";

/**
 * A signed-up owner with two API keys minted by their session: `key` makes calls and sets the
 * catalog up (capability `administer`, as a CI script would), and `approverKey` decides calls
 * (capability `approve`, which only an owner's sign-in can grant), since the credential that made
 * a gated call can never approve it.
 */
export type Account = { key: string; approverKey: string; orgId: string; userId: string; email: string };

export async function signUpWithKey(base: string, email: string, keyCapabilities: string[] = ["administer"]): Promise<Account> {
  const signup = await verifiedSignUp(base, email, "correct horse battery staple");
  if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status} ${await signup.text()}`);
  const cookie = signup.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const body = (await signup.json()) as { csrfToken: string; user: { id: string }; org: { id: string } };
  const mint = async (name: string, capabilities: string[]): Promise<string> => {
    const created = await fetch(`${base}/v1/api-keys`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-csrf-token": body.csrfToken },
      body: JSON.stringify({ name, capabilities }),
    });
    if (created.status !== 201) throw new Error(`key creation failed: ${created.status} ${await created.text()}`);
    return ((await created.json()) as { key: string }).key;
  };
  return {
    key: await mint("tests", keyCapabilities),
    approverKey: await mint("approver", ["approve", "manage-keys"]),
    orgId: body.org.id,
    userId: body.user.id,
    email,
  };
}

export type Answer = { status: number; body: Record<string, unknown>; text: string; headers: Headers };

/** Calls /v1 with a Bearer key; every answer's text is also appended to `transcript` for leak checks. */
export function client(base: string, key: string, transcript: string[] = []) {
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    transcript.push(`${method} ${path} → ${res.status}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${text}`);
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }
  return {
    get: (path: string) => call("GET", path),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => call("POST", path, body ?? {}, headers),
    put: (path: string, body: unknown) => call("PUT", path, body),
    patch: (path: string, body: unknown) => call("PATCH", path, body),
    delete: (path: string) => call("DELETE", path),
  };
}
