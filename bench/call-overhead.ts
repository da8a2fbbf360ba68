// Tool-call overhead: the same call made directly to a local upstream and through /v1/call, measured
// in one run, at concurrency 1 and 16. Prints p50/p99, their ratio, and calls per second.
import { client, signUpWithKey } from "../test/e2e/api";
import { removeDataDir, startPlatform } from "../test/e2e/platform";
import { startPetstore } from "../test/e2e/upstreams/petstore";
import { load, ms, percentile } from "./stats";

const TOTAL = Number(process.env.BENCH_CALLS ?? 400);
const TOKEN = "bench-token";

export async function callOverhead(): Promise<void> {
  const [platform, petstore] = await Promise.all([startPlatform(), startPetstore()]);
  try {
    const owner = await signUpWithKey(platform.baseUrl, "bench@example.com");
    const api = client(platform.baseUrl, owner.key);
    await api.post("/v1/sources", {
      slug: "pets",
      kind: "openapi",
      config: { url: `${petstore.url}/openapi.json` },
      local: true,
      connection: { name: "work", secret: TOKEN },
    });
    const address = `pets.${owner.orgId}.work.getPet`;
    const direct = async (): Promise<void> => {
      const res = await fetch(`${petstore.url}/pets/1`, { headers: { authorization: `Bearer ${TOKEN}` } });
      if (res.status !== 200) throw new Error(`direct ${res.status}`);
      await res.arrayBuffer();
    };
    const viaGateway = async (): Promise<void> => {
      const res = await fetch(`${platform.baseUrl}/v1/call`, {
        method: "POST",
        headers: { authorization: `Bearer ${owner.key}`, "content-type": "application/json" },
        body: JSON.stringify({ address, arguments: { petId: 1 } }),
      });
      if (res.status !== 200) throw new Error(`gateway ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    for (let i = 0; i < 20; i++) await viaGateway(); // warm the isolate, DOs and connections
    console.log(`\ntool-call overhead (${TOTAL} calls each; GET /pets/1 on a loopback pet store)`);
    console.log("concurrency | path     | p50       | p99       | calls/s");
    for (const concurrency of [1, 16]) {
      const d = await load(direct, TOTAL, concurrency);
      const g = await load(viaGateway, TOTAL, concurrency);
      const row = (name: string, r: { latencies: number[]; wallMs: number }): string =>
        `${String(concurrency).padStart(11)} | ${name.padEnd(8)} | ${ms(percentile(r.latencies, 50)).padStart(9)} | ${ms(percentile(r.latencies, 99)).padStart(9)} | ${((TOTAL / r.wallMs) * 1000).toFixed(0)}`;
      console.log(row("direct", d));
      console.log(row("gateway", g));
      console.log(
        `${" ".repeat(11)} | ratio    | ${(percentile(g.latencies, 50) / percentile(d.latencies, 50)).toFixed(1)}x p50 | ${(percentile(g.latencies, 99) / percentile(d.latencies, 99)).toFixed(1)}x p99`,
      );
    }
  } finally {
    await Promise.all([platform.stop(), petstore.close()]);
    removeDataDir(platform.dataDir);
  }
}
