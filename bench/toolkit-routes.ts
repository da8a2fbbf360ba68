// A routed toolkit call's overhead against /v1/call and a direct call to the upstream, in one run.
import { client, signUpWithKey } from "../test/e2e/api";
import { removeDataDir, startPlatform } from "../test/e2e/platform";
import { startPetstore } from "../test/e2e/upstreams/petstore";
import { load, ms, percentile } from "./stats";

const TOTAL = Number(process.env.BENCH_CALLS ?? 400);

export async function toolkitRoutesBench(): Promise<void> {
  const [platform, pets] = await Promise.all([startPlatform(), startPetstore()]);
  try {
    const owner = await signUpWithKey(platform.baseUrl, "bench-routes@example.com");
    const api = client(platform.baseUrl, owner.key);
    await api.post("/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${pets.url}/openapi.json` }, local: true, connection: { name: "work", secret: "bench" } });
    await api.post("/v1/toolkits", { slug: "bench", title: "Bench", tools: [`pets.${owner.orgId}.work.getPet`], patterns: [] });
    const key = String((await client(platform.baseUrl, owner.approverKey).post("/v1/api-keys", { name: "bench", toolkit: `${owner.orgId}/bench` })).body.key);
    const post = (path: string, body: unknown, bearer: string) => async (): Promise<void> => {
      const res = await fetch(`${platform.baseUrl}${path}`, { method: "POST", headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      if (res.status !== 200) throw new Error(`${path} ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    const direct = async (): Promise<void> => {
      await (await fetch(`${pets.url}/pets/1`, { headers: { authorization: "Bearer bench" } })).arrayBuffer();
    };
    const viaCall = post("/v1/call", { address: `pets.${owner.orgId}.work.getPet`, arguments: { petId: 1 } }, key);
    const viaRoute = post(`/v1/toolkits/${owner.orgId}/bench/tools/pets/getPet`, { petId: 1 }, key);
    for (let i = 0; i < 20; i++) await Promise.all([viaCall(), viaRoute()]);
    const d = await load(direct, TOTAL, 1);
    const c = await load(viaCall, TOTAL, 1);
    const r = await load(viaRoute, TOTAL, 1);
    const p = (x: { latencies: number[] }, q: number): number => percentile(x.latencies, q);
    console.log(`\ntoolkit route overhead (${TOTAL} calls each, concurrency 1, same toolkit-bound key; GET /pets/1 upstream)`);
    console.log(`direct p50 ${ms(p(d, 50))} p99 ${ms(p(d, 99))} | /v1/call p50 ${ms(p(c, 50))} p99 ${ms(p(c, 99))} | route p50 ${ms(p(r, 50))} p99 ${ms(p(r, 99))}`);
    console.log(`route vs /v1/call ${(p(r, 50) / p(c, 50)).toFixed(2)}x p50; route vs direct ${(p(r, 50) / p(d, 50)).toFixed(1)}x p50`);
  } finally {
    await Promise.all([platform.stop(), pets.close()]);
    removeDataDir(platform.dataDir);
  }
}
