import { afterAll, describe, expect, it } from "vitest";
import { verifiedSignUp } from "./mailbox";
import type { Platform } from "./platform";
import { freePort, removeDataDir, startPlatform, tempDataDir } from "./platform";

describe("state survives a hard restart", () => {
  const dataDir = tempDataDir();
  let platform: Platform | undefined;

  afterAll(async () => {
    await platform?.stop();
    removeDataDir(dataDir);
  });

  it("keeps accounts and API keys after SIGKILL of the whole process group", async () => {
    const port = await freePort();
    platform = await startPlatform({ dataDir, port });
    const base = platform.baseUrl;
    const signup = await verifiedSignUp(base, "durable@example.com", "correct horse battery staple");
    expect(signup.status).toBe(201);
    const cookie = signup.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const { csrfToken } = (await signup.json()) as { csrfToken: string };
    const created = await fetch(`${base}/v1/api-keys`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-csrf-token": csrfToken },
      body: JSON.stringify({ name: "survivor" }),
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };

    await platform.kill();
    platform = await startPlatform({ dataDir, port });

    const me = await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe("durable@example.com");
    const sessionMe = await fetch(`${base}/v1/me`, { headers: { cookie } });
    expect(sessionMe.status).toBe(200);
    const login = await fetch(`${base}/v1/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "durable@example.com", password: "correct horse battery staple" }),
    });
    expect(login.status).toBe(200);
  });
});
