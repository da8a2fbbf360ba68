import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("GET /healthz", () => {
  it("reports every binding live: DO round trip, workflow instance, loader isolate, KV", async () => {
    const res = await exports.default.fetch("http://gw/healthz");
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string; detail: string }> };
    expect(res.status).toBe(200);
    expect(body.status).toBe("ok");
    expect(Object.keys(body.checks).sort()).toEqual(["durableObject", "kv", "mail", "oauth", "workerLoader", "workflow"]);
    for (const check of Object.values(body.checks)) expect(check.status).toBe("ok");
    expect(body.checks.workerLoader?.detail).toContain("blocked");
    expect(body.checks.mail?.detail).toContain("/dev/mailbox");
  });
});
