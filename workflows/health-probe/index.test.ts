import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("HealthProbeWorkflow", () => {
  it("runs both steps and returns the nonce it was given", async () => {
    const instance = await env.HEALTH_PROBE.create({ id: "probe-test-1", params: { nonce: "n-123" } });
    let status = await instance.status();
    for (let i = 0; i < 500 && status.status !== "complete" && status.status !== "errored"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = await instance.status();
    }
    expect(status.status).toBe("complete");
    expect(status.output).toEqual({ echoed: "n-123", steps: 2 });
  });

  it("refuses a second instance with the same id", async () => {
    await env.HEALTH_PROBE.create({ id: "probe-test-dup", params: { nonce: "a" } });
    await expect(env.HEALTH_PROBE.create({ id: "probe-test-dup", params: { nonce: "b" } })).rejects.toThrow();
  });
});
