// Issue 15's figures, one run on a running platform (npm start's path): a workflow's cost per step
// against the same calls made directly through /v1/call and the upstream with no platform at all;
// a SQLite store's query p50 at 100,000 rows; and how long a write takes to reach 100 subscribers.
import { signUpWithKey } from "../test/e2e/api";
import { removeDataDir, startPlatform } from "../test/e2e/platform";
import { startPetstore } from "../test/e2e/upstreams/petstore";
import { ms, percentile } from "./stats";

const STEPS = 5;
const INSTANCES = Number(process.env.BENCH_WORKFLOW_INSTANCES ?? 10);
const ROWS = Number(process.env.BENCH_STORE_ROWS ?? 100_000);
const QUERIES = Number(process.env.BENCH_STORE_QUERIES ?? 100);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 100);
const WRITES = Number(process.env.BENCH_SUBSCRIBER_WRITES ?? 20);

const p50 = (xs: number[]): string => ms(percentile(xs, 50));
const p99 = (xs: number[]): string => ms(percentile(xs, 99));

export async function workflowsBench(): Promise<void> {
  const [platform, pets] = await Promise.all([startPlatform(), startPetstore()]);
  try {
    const owner = await signUpWithKey(platform.baseUrl, "bench-workflows@example.com", ["administer", "trigger-register", "manage-keys"]);
    const org = owner.orgId;
    const base = platform.baseUrl;
    const req = async (method: string, path: string, body?: unknown): Promise<{ ms: number; status: number; body: Record<string, unknown> }> => {
      const t0 = performance.now();
      const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${owner.key}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      return { ms: performance.now() - t0, status: res.status, body: json };
    };
    await req("POST", "/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${pets.url}/openapi.json` }, local: true, connection: { name: "work", secret: "bench" } });

    // 1. Per-step overhead: five reads of the pet store as a workflow, and the same five directly.
    const steps = Array.from({ length: STEPS }, (_, i) => `  - id: s${i}\n    tool: pets.${org}.work.getPet\n    args: { petId: 1 }\n`).join("");
    const deployed = await req("POST", "/v1/artifacts/deploy", { files: { "executor/workflows/five-reads.yaml": `steps:\n${steps}` } });
    if (deployed.status !== 201) throw new Error(`deploy failed: ${JSON.stringify(deployed.body)}`);
    const upstream: number[] = [];
    const direct: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      await (await fetch(`${pets.url}/pets/1`)).text();
      upstream.push(performance.now() - t0);
    }
    for (let i = 0; i < INSTANCES; i++) {
      const t0 = performance.now();
      for (let s = 0; s < STEPS; s++) await req("POST", "/v1/call", { address: `pets.${org}.work.getPet`, arguments: { petId: 1 } });
      direct.push(performance.now() - t0);
    }
    for (let i = 0; i < INSTANCES; i++) {
      const t0 = performance.now();
      const started = await req("POST", `/v1/workflows/${org}/five-reads/run`, {});
      const id = started.body.instanceId as string;
      for (;;) {
        const status = (await req("GET", `/v1/workflows/${org}/five-reads/runs/${id}`)).body.status;
        if (status === "complete") break;
        if (status === "errored" || status === "terminated") throw new Error(`instance ${id} ${String(status)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      whole.push(performance.now() - t0);
    }
    const perStepWorkflow = percentile(whole, 50) / STEPS;
    const perStepDirect = percentile(direct, 50) / STEPS;
    console.log(`\nWorkflow of ${STEPS} read steps (GET /pets/1), ${INSTANCES} instances, each start to complete as its caller sees it`);
    console.log(`  upstream direct:         p50 ${p50(upstream)}`);
    console.log(`  ${STEPS} calls via /v1/call:    p50 ${p50(direct)} (${ms(perStepDirect)} per call)`);
    console.log(`  workflow, start → done:  p50 ${p50(whole)}, p99 ${p99(whole)} (${ms(perStepWorkflow)} per step; status polled every 5 ms)`);
    console.log(`  per step / per direct call: ${(perStepWorkflow / perStepDirect).toFixed(2)}×; extra per step ${ms(perStepWorkflow - perStepDirect)}`);

    // 2. A SQLite store's query at 100,000 rows.
    await req("POST", "/v1/stores", { name: "bench", kind: "sqlite", scope: "org" });
    const exec = (sql: string, rows?: unknown[][]) => req("POST", "/v1/call", { address: `store.${org}.bench.exec`, arguments: rows ? { sql, rows } : { sql } });
    await exec("CREATE TABLE items (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL, score REAL NOT NULL)");
    await exec("CREATE INDEX items_owner ON items (owner)");
    const fill: number[] = [];
    for (let start = 0; start < ROWS; start += 10_000) {
      const batch = Array.from({ length: Math.min(10_000, ROWS - start) }, (_, j) => [start + j, `user${(start + j) % 1000}`, `Item number ${start + j}`, ((start + j) * 7919) % 1000]);
      const r = await exec("INSERT INTO items VALUES (?, ?, ?, ?)", batch);
      if (r.status !== 200) throw new Error(`fill failed: ${JSON.stringify(r.body).slice(0, 300)}`);
      fill.push(r.ms);
    }
    const query = async (sql: string, params: unknown[] = []): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < QUERIES; i++) {
        const r = await req("POST", "/v1/call", { address: `store.${org}.bench.query`, arguments: { sql, params, limit: 100 } });
        if (r.status !== 200) throw new Error(`query failed: ${JSON.stringify(r.body).slice(0, 300)}`);
        out.push(r.ms);
      }
      return out;
    };
    const byKey = await query("SELECT * FROM items WHERE id = ?", [54_321]);
    const byIndex = await query("SELECT id, title FROM items WHERE owner = ? ORDER BY id LIMIT 100", ["user42"]);
    const scan = await query("SELECT count(*) AS n, avg(score) AS mean FROM items WHERE title LIKE ?", ["%99%"]);
    const trivial = await query("SELECT 1 AS one");
    console.log(`\nSQLite store with ${ROWS} rows (filled in ${fill.length} batches of 10,000: p50 ${p50(fill)} each), ${QUERIES} queries each through /v1/call`);
    console.log(`  SELECT 1 (the call path alone): p50 ${p50(trivial)}`);
    console.log(`  by primary key:                 p50 ${p50(byKey)}, p99 ${p99(byKey)}`);
    console.log(`  by index, 100 rows:             p50 ${p50(byIndex)}, p99 ${p99(byIndex)}`);
    console.log(`  full scan (LIKE, count, avg):   p50 ${p50(scan)}, p99 ${p99(scan)}`);

    // 3. A write's arrival at 100 subscribers of one view.
    await req("POST", "/v1/stores", { name: "live", kind: "sqlite", scope: "org" });
    await req("POST", "/v1/call", { address: `store.${org}.live.exec`, arguments: { sql: "CREATE TABLE t (v INTEGER)" } });
    const path = `/v1/stores/${org}/live/subscribe?sql=${encodeURIComponent("SELECT max(v) AS v FROM t")}`;
    // A store admits 20 subscriptions per credential: 100 subscribers are several clients.
    const keys: string[] = [];
    for (let i = 0; i < Math.ceil(SUBSCRIBERS / 20); i++) keys.push((await req("POST", "/v1/api-keys", { name: `watcher-${i}`, capabilities: [] })).body.key as string);
    const sockets: WebSocket[] = [];
    const arrivals = new Map<number, number[]>();
    let sentAt = new Map<number, number>();
    await Promise.all(
      Array.from({ length: SUBSCRIBERS }, (_, n) =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(base.replace(/^http/, "ws") + path, { headers: { authorization: `Bearer ${keys[Math.floor(n / 20)] ?? owner.key}` } } as unknown as string[]);
          ws.addEventListener("message", (e: MessageEvent) => {
            const v = (JSON.parse(String(e.data)) as { rows?: Array<{ v: number | null }> }).rows?.[0]?.v;
            if (typeof v === "number" && sentAt.has(v)) arrivals.set(v, [...(arrivals.get(v) ?? []), performance.now() - (sentAt.get(v) ?? 0)]);
          });
          ws.addEventListener("open", () => resolve());
          ws.addEventListener("error", () => reject(new Error("subscription refused")));
          sockets.push(ws);
        }),
      ),
    );
    const writeMs: number[] = [];
    for (let v = 1; v <= WRITES; v++) {
      sentAt = new Map([...sentAt, [v, performance.now()]]);
      const w = await req("POST", "/v1/call", { address: `store.${org}.live.exec`, arguments: { sql: "INSERT INTO t VALUES (?)", params: [v] } });
      writeMs.push(w.ms);
      const deadline = performance.now() + 10_000;
      while ((arrivals.get(v)?.length ?? 0) < SUBSCRIBERS && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    }
    const all = [...arrivals.values()].flat();
    const last = [...arrivals.values()].map((xs) => Math.max(...xs));
    console.log(`\n${SUBSCRIBERS} subscribers of one query, ${WRITES} writes through /v1/call (time from sending the write)`);
    console.log(`  the write's own answer:   p50 ${p50(writeMs)}`);
    console.log(`  arrival at a subscriber:  p50 ${p50(all)}, p99 ${p99(all)} (${all.length} of ${SUBSCRIBERS * WRITES} deliveries)`);
    console.log(`  the last of the ${SUBSCRIBERS}:       p50 ${p50(last)}`);
    for (const ws of sockets) ws.close();
  } finally {
    await Promise.all([platform.stop(), pets.close()]);
    removeDataDir(platform.dataDir);
  }
}
