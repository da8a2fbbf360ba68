import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifiedSignUp } from "./mailbox";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";

// Canary credentials: after exercising every account route, neither may appear in any answer or log.
const PASSWORD = "canary-password-7f3a9c1e";

describe("credentials never leak", () => {
  let platform: Platform;
  const seen: string[] = [];

  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${platform.baseUrl}${path}`, init);
    const text = await res.clone().text();
    seen.push(`${res.status} ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${text}`);
    return res;
  }

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform?.stop();
    if (platform) removeDataDir(platform.dataDir);
  });

  it("keeps the password and the API key out of every response and log line", async () => {
    const json = { "content-type": "application/json" };
    const signup = await verifiedSignUp(platform.baseUrl, "canary@example.com", PASSWORD);
    seen.push(await signup.clone().text());
    const cookie = signup.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const { csrfToken } = (await signup.json()) as { csrfToken: string };
    await call("/v1/login", { method: "POST", headers: json, body: JSON.stringify({ email: "canary@example.com", password: `${PASSWORD}x` }) });
    await call("/v1/signup", { method: "POST", headers: json, body: JSON.stringify({ email: "canary@example.com", password: PASSWORD }) });
    const created = await call("/v1/api-keys", {
      method: "POST",
      headers: { ...json, cookie, "x-csrf-token": csrfToken },
      body: JSON.stringify({ name: "canary", capabilities: ["manage-keys"] }),
    });
    const { key } = (await created.json()) as { key: string };
    expect(key).toMatch(/^exk_/);
    await call("/v1/api-keys", { headers: { authorization: `Bearer ${key}` } });
    await call("/v1/me", { headers: { authorization: `Bearer ${key}` } });
    await call("/v1/me", { headers: { authorization: `Bearer ${key}x` } });
    await call(`/v1/me?access_token=${key}`);

    // The key was shown exactly once: in the creation answer.
    expect(seen.filter((s) => s.includes(key))).toHaveLength(1);
    expect(seen.join("\n")).not.toContain(PASSWORD);
    expect(platform.output()).not.toContain(PASSWORD);
    expect(platform.output()).not.toContain(key);
  });
});
