// Custom-tool figures, one run: deploys of 50 tools (check, then commit and swap), and a call of a
// custom tool that makes one call of an imported tool, against that imported tool called directly
// through /v1/call and the upstream called with no platform at all. Real HTTP to a running platform.
import { signUpWithKey } from "../test/e2e/api";
import { removeDataDir, startPlatform } from "../test/e2e/platform";
import { startPetstore } from "../test/e2e/upstreams/petstore";
import { ms, percentile } from "./stats";

const ROUNDS = Number(process.env.BENCH_CUSTOM_ROUNDS ?? 100);
const SET = 50;
const DEPLOYS = Number(process.env.BENCH_CUSTOM_DEPLOYS ?? 5);

const tool = (n: number, name = "first_pet"): string => `import { defineTool } from "executor";
import { z } from "zod";
export default defineTool({
  name: "${name}", description: "The first pet's name (${n}).", sideEffect: "read", calls: ["pets.*.*.getPet"],
  input: z.object({}),
  handler: async (_args, ctx) => (await ctx.tools.pets[ctx.connection].getPet({ petId: 1 })).name,
});
`;

export async function customToolsBench(): Promise<void> {
  const [platform, pets] = await Promise.all([startPlatform(), startPetstore()]);
  try {
    const owner = await signUpWithKey(platform.baseUrl, "bench-custom@example.com");
    const base = platform.baseUrl;
    const post = async (path: string, body: unknown): Promise<{ ms: number; status: number; body: Record<string, unknown> }> => {
      const t0 = performance.now();
      const res = await fetch(`${base}${path}`, { method: "POST", headers: { authorization: `Bearer ${owner.key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      const json = (await res.json()) as Record<string, unknown>;
      return { ms: performance.now() - t0, status: res.status, body: json };
    };
    await post("/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${pets.url}/openapi.json` }, local: true, connection: { name: "work", secret: "bench" } });

    // Deploys of 50 tools: new descriptions each time, so every tool compiles, loads a fresh isolate
    // (describe) and the set commits; zod is imported by each (its 450 KB module loads per isolate).
    const set = (round: number): Record<string, string> =>
      Object.fromEntries(Array.from({ length: SET }, (_, i) => [`tools/pet_${i}.ts`, tool(round * 1000 + i, `pet_${i}`)]));
    const checks: number[] = [];
    const deploys: number[] = [];
    for (let i = 0; i < DEPLOYS; i++) {
      checks.push((await post("/v1/artifacts/deploy", { check: true, files: set(100 + i) })).ms);
      const d = await post("/v1/artifacts/deploy", { files: { ...set(i), "tools/first_pet.ts": tool(i) } });
      if (d.status !== 201) throw new Error(`deploy failed: ${JSON.stringify(d.body)}`);
      deploys.push(d.ms);
    }

    const custom = (): Promise<{ ms: number; status: number }> => post("/v1/call", { address: `custom.${owner.orgId}.work.first_pet`, arguments: {} });
    const imported = (): Promise<{ ms: number; status: number }> => post("/v1/call", { address: `pets.${owner.orgId}.work.getPet`, arguments: { petId: 1 } });
    const direct = async (): Promise<number> => {
      const t0 = performance.now();
      await (await fetch(`${pets.url}/pets/1`, { headers: { authorization: "Bearer bench" } })).arrayBuffer();
      return performance.now() - t0;
    };
    for (let i = 0; i < 10; i++) await Promise.all([custom(), imported(), direct()]);
    const c: number[] = [];
    const m: number[] = [];
    const d: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const a = await custom();
      if (a.status !== 200) throw new Error(`custom call failed: ${a.status}`);
      c.push(a.ms);
      m.push((await imported()).ms);
      d.push(await direct());
    }
    const p50 = (xs: number[]): number => percentile(xs, 50);
    const line = (xs: number[]): string => `p50 ${ms(p50(xs))} p99 ${ms(percentile(xs, 99))}`;
    console.log(`\ncustom tools (${ROUNDS} calls; ${DEPLOYS} deploys of ${SET} tools each way; loopback pet store)`);
    console.log(`deploy --check of ${SET} tools (compile + describe each): ${line(checks)}`);
    console.log(`deploy of ${SET + 1} tools (check + git commit + swap):  ${line(deploys)}`);
    console.log(`custom tool making 1 call, /v1/call:         ${line(c)}`);
    console.log(`the same tool called directly, /v1/call:     ${line(m)}`);
    console.log(`upstream direct (no platform):               ${line(d)}`);
    console.log(`custom over imported: ${(p50(c) / p50(m)).toFixed(2)}x (+${ms(p50(c) - p50(m))}); over direct: ${(p50(c) / p50(d)).toFixed(1)}x`);
  } finally {
    await Promise.all([platform.stop(), pets.close()]);
    removeDataDir(platform.dataDir);
  }
}
