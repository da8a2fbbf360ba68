// Time from approval to the upstream call: a gated DELETE is approved through /v1, and the time from
// sending the approval to the upstream receiving the request is measured (p50 over the runs).
import { client, signUpWithKey } from "../test/e2e/api";
import { removeDataDir, startPlatform } from "../test/e2e/platform";
import { startPetstore } from "../test/e2e/upstreams/petstore";
import { ms, percentile } from "./stats";

const RUNS = Number(process.env.BENCH_APPROVALS ?? 30);

export async function approvalBench(): Promise<void> {
  const [platform, petstore] = await Promise.all([startPlatform(), startPetstore()]);
  try {
    const owner = await signUpWithKey(platform.baseUrl, "bench-approvals@example.com");
    const api = client(platform.baseUrl, owner.key);
    const approver = client(platform.baseUrl, owner.approverKey);
    await api.post("/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${petstore.url}/openapi.json` }, local: true, connection: { name: "work", secret: "bench" } });
    const latencies: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const id = 1000 + i;
      petstore.pets.set(id, { id, name: `pet ${id}` });
      const pending = await api.post("/v1/call", { address: `pets.${owner.orgId}.work.deletePet`, arguments: { petId: id } });
      const runId = (pending.body.run as { id: string }).id;
      const seenBefore = petstore.seen.length;
      const t0 = performance.now();
      await approver.post(`/v1/runs/${runId}/approve`);
      const hit = petstore.seen.slice(seenBefore).find((s) => s.method === "DELETE" && s.path === `/pets/${id}`);
      if (!hit) throw new Error(`run ${runId} did not reach the upstream`);
      latencies.push(hit.at - t0);
      total.push(performance.now() - t0);
    }
    console.log(`\napproval → upstream call (${RUNS} gated DELETEs, via the Run's workflow)`);
    console.log(`  approval sent → upstream received the call: p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}`);
    console.log(`  approval sent → approve answered with the result: p50 ${ms(percentile(total, 50))} (the answer polls the ledger every 100 ms)`);
  } finally {
    await Promise.all([platform.stop(), petstore.close()]);
    removeDataDir(platform.dataDir);
  }
}
