// Throughput of one org as its run ledger grows: every call of an org appends to the same RunLedger
// Durable Object (two chained events per call), so this is the per-org ceiling. Measures /v1/call at
// concurrency 16 over the org's first Runs, fills the ledger, measures again, then checks that the
// ledger holds exactly the Runs made and verifies.
// `npx tsx bench/org-throughput.ts` (BENCH_ORG_SAMPLE calls per measurement, BENCH_ORG_FILL Runs before the second).
import { client, signUpWithKey } from "../test/e2e/api";
import { removeDataDir, startPlatform } from "../test/e2e/platform";
import { startPetstore } from "../test/e2e/upstreams/petstore";
import { load, ms, percentile } from "./stats";

const SAMPLE = Number(process.env.BENCH_ORG_SAMPLE ?? 300);
const FILL = Number(process.env.BENCH_ORG_FILL ?? 5_000);
const CONCURRENCY = 16;
const TOKEN = "bench-token";

export async function orgThroughput(): Promise<void> {
  const [platform, petstore] = await Promise.all([startPlatform(), startPetstore()]);
  try {
    const owner = await signUpWithKey(platform.baseUrl, "bench-org@example.com");
    const api = client(platform.baseUrl, owner.key);
    await api.post("/v1/sources", {
      slug: "pets",
      kind: "openapi",
      config: { url: `${petstore.url}/openapi.json` },
      local: true,
      connection: { name: "work", secret: TOKEN },
    });
    const address = `pets.${owner.orgId}.work.getPet`;
    let calls = 0;
    const call = async (): Promise<void> => {
      const res = await fetch(`${platform.baseUrl}/v1/call`, {
        method: "POST",
        headers: { authorization: `Bearer ${owner.key}`, "content-type": "application/json" },
        body: JSON.stringify({ address, arguments: { petId: 1 } }),
      });
      if (res.status !== 200) throw new Error(`gateway ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      calls++;
    };
    const row = (label: string, r: { latencies: number[]; wallMs: number }, n: number): string =>
      `${label.padEnd(22)} | ${ms(percentile(r.latencies, 50)).padStart(9)} | ${ms(percentile(r.latencies, 99)).padStart(9)} | ${((n / r.wallMs) * 1000).toFixed(0)}`;
    console.log(`\none org's throughput as its ledger grows (/v1/call, concurrency ${CONCURRENCY}, ${SAMPLE} calls per row)`);
    console.log("ledger                 | p50       | p99       | calls/s");
    for (let i = 0; i < 16; i++) await call(); // warm the isolate, DOs and connections
    console.log(row(`first ${SAMPLE} Runs`, await load(call, SAMPLE, CONCURRENCY), SAMPLE));
    const fillStart = calls;
    const fill = await load(call, FILL, CONCURRENCY);
    console.log(row(`filling ${FILL} Runs`, fill, calls - fillStart));
    console.log(row(`after ${calls} Runs`, await load(call, SAMPLE, CONCURRENCY), SAMPLE));
    const verdict = (await api.get("/v1/runs/verify")).body as { ok: boolean; events: number; code?: string };
    // Each call is one Run with two events (recorded running, then completed).
    const exact = verdict.ok && verdict.events === 2 * calls;
    console.log(`verify after ${calls} calls: ok=${verdict.ok} events=${verdict.events} (expected ${2 * calls})${exact ? "" : " MISMATCH"}${verdict.code ? ` ${verdict.code}` : ""}`);
  } finally {
    await Promise.all([platform.stop(), petstore.close()]);
    removeDataDir(platform.dataDir);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await orgThroughput();
