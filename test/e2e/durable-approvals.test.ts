import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import type { Platform } from "./platform";
import { freePort, removeDataDir, startPlatform, tempDataDir } from "./platform";
import { startPetstore } from "./upstreams/petstore";

describe("durable approvals survive restarts and run exactly once", () => {
  const dataDir = tempDataDir();
  let port: number;
  let platform: Platform;
  let petstore: Awaited<ReturnType<typeof startPetstore>>;
  let owner: Account;
  let api: ReturnType<typeof client>;
  let approver: ReturnType<typeof client>;
  const deletes = (): string[] => petstore.seen.filter((s) => s.method === "DELETE").map((s) => s.path);
  const env = { EXECUTOR_APPROVAL_TIMEOUT_SECONDS: "3" };

  async function waitForStatus(runId: string, status: string, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (((await api.get(`/v1/runs/${runId}`)).body.run as { status: string }).status === status) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`run ${runId} never became ${status}`);
  }

  beforeAll(async () => {
    port = await freePort();
    [platform, petstore] = await Promise.all([startPlatform({ dataDir, port }), startPetstore()]);
    owner = await signUpWithKey(platform.baseUrl, "durable-approvals@example.com");
    api = client(platform.baseUrl, owner.key);
    approver = client(platform.baseUrl, owner.approverKey);
    const added = await api.post("/v1/sources", {
      slug: "pets",
      kind: "openapi",
      config: { url: `${petstore.url}/openapi.json` },
      local: true,
      connection: { name: "work", secret: "durable-secret" },
    });
    expect(added.status).toBe(201);
  });

  afterAll(async () => {
    await Promise.all([platform?.stop(), petstore?.close()]);
    removeDataDir(dataDir);
  });

  it("approves a gated call after SIGKILL of the whole platform; the upstream is called exactly once", async () => {
    const pending = await api.post("/v1/call", { address: `pets.${owner.orgId}.work.deletePet`, arguments: { petId: 2 } });
    expect(pending.status).toBe(202);
    const runId = (pending.body.run as { id: string }).id;

    await platform.kill();
    platform = await startPlatform({ dataDir, port });

    const [a, b] = await Promise.all([approver.post(`/v1/runs/${runId}/approve`), approver.post(`/v1/runs/${runId}/approve`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    await waitForStatus(runId, "succeeded");
    expect(deletes()).toEqual(["/pets/2"]);
    // A late duplicate approval changes nothing.
    expect((await approver.post(`/v1/runs/${runId}/approve`)).status).toBe(409);
    expect(deletes()).toEqual(["/pets/2"]);
    const run = (await api.get(`/v1/runs/${runId}`)).body.run as { approvals: Array<{ decision: string; by: string }> };
    expect(run.approvals).toEqual([expect.objectContaining({ decision: "approve", by: owner.userId })]);
  });

  it("expires a gated call nobody decided, and refuses a later approval clearly", async () => {
    await platform.stop();
    platform = await startPlatform({ dataDir, port, env });
    const pending = await api.post("/v1/call", { address: `pets.${owner.orgId}.work.deletePet`, arguments: { petId: 1 } });
    const runId = (pending.body.run as { id: string }).id;
    await waitForStatus(runId, "expired");
    const late = await approver.post(`/v1/runs/${runId}/approve`);
    expect(late.status).toBe(409);
    expect(String(late.body.detail)).toContain("expired");
    expect(petstore.pets.has(1)).toBe(true);
  });

  it("never executes a cancelled call", async () => {
    const pending = await api.post("/v1/call", { address: `pets.${owner.orgId}.work.deletePet`, arguments: { petId: 1 } });
    const runId = (pending.body.run as { id: string }).id;
    const cancelled = await api.post(`/v1/runs/${runId}/cancel`);
    expect((cancelled.body.run as { status: string }).status).toBe("cancelled");
    expect((await approver.post(`/v1/runs/${runId}/approve`)).status).toBe(409);
    await new Promise((r) => setTimeout(r, 500));
    expect(petstore.pets.has(1)).toBe(true);
  });
});
