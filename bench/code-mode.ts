// Code-mode figures, one run: sandbox cold and warm start, a script making 10 calls against 10
// separate MCP `execute` calls (wall time and the bytes the client sends and receives), and a child
// call's overhead against an `execute`. Everything over real HTTP to a running platform.
import { signUpWithKey } from "../test/e2e/api";
import { removeDataDir, startPlatform } from "../test/e2e/platform";
import { startPetstore } from "../test/e2e/upstreams/petstore";
import { ms, percentile } from "./stats";

const ROUNDS = Number(process.env.BENCH_CODE_ROUNDS ?? 40);

type Exchange = { ms: number; sent: number; received: number; body: Record<string, unknown> };

/** One JSON-RPC request over Streamable HTTP, with the bytes each way (bodies and headers). */
async function rpc(base: string, key: string, method: string, params: unknown): Promise<Exchange> {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream" };
  const t0 = performance.now();
  const res = await fetch(`${base}/mcp`, { method: "POST", headers, body });
  const text = await res.text();
  const elapsed = performance.now() - t0;
  const headerBytes = (h: Iterable<[string, string]>): number => [...h].reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  return { ms: elapsed, sent: body.length + headerBytes(Object.entries(headers)), received: text.length + headerBytes(res.headers), body: JSON.parse(text) as Record<string, unknown> };
}

const tool = (name: string, args: unknown): { name: string; arguments: unknown } => ({ name, arguments: args });

export async function codeModeBench(): Promise<void> {
  const [platform, pets] = await Promise.all([startPlatform(), startPetstore()]);
  try {
    const owner = await signUpWithKey(platform.baseUrl, "bench-code@example.com");
    const base = platform.baseUrl;
    await fetch(`${base}/v1/sources`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.key}`, "content-type": "application/json" },
      body: JSON.stringify({ slug: "pets", kind: "openapi", config: { url: `${pets.url}/openapi.json` }, local: true, connection: { name: "work", secret: "bench" } }),
    });
    const address = `pets.${owner.orgId}.work.getPet`;
    const runCode = (code: string): Promise<Exchange> => rpc(base, owner.key, "tools/call", tool("run_code", { code }));
    const execute = (): Promise<Exchange> => rpc(base, owner.key, "tools/call", tool("execute", { address, arguments: { petId: 1 } }));
    for (let i = 0; i < 5; i++) await Promise.all([runCode("return 1"), execute()]);

    // Cold: new code every time (a new isolate); warm: the same code (the cached isolate). The whole
    // request over HTTP, and the sandbox part alone (Server-Timing, wall time inside the Worker).
    const http = async (code: string): Promise<{ total: number; sandbox: number }> => {
      const t0 = performance.now();
      const res = await fetch(`${base}/v1/code`, { method: "POST", headers: { authorization: `Bearer ${owner.key}`, "content-type": "application/json" }, body: JSON.stringify({ code }) });
      await res.arrayBuffer();
      const dur = /sandbox;dur=(\d+(?:\.\d+)?)/.exec(res.headers.get("server-timing") ?? "")?.[1];
      return { total: performance.now() - t0, sandbox: Number(dur) };
    };
    const cold: Array<{ total: number; sandbox: number }> = [];
    const warm: Array<{ total: number; sandbox: number }> = [];
    for (let i = 0; i < ROUNDS; i++) cold.push(await http(`// ${i} ${Math.random()}\nreturn 1`));
    for (let i = 0; i < ROUNDS; i++) warm.push(await http("return 1"));

    // 10 calls: one script against 10 round trips of execute.
    const script = `const out = [];\nfor (let i = 0; i < 10; i++) out.push((await tools.pets.work.getPet({ petId: 1 })).name);\nreturn out.length;`;
    const scripted: Exchange[] = [];
    const separate: Array<{ ms: number; sent: number; received: number }> = [];
    for (let i = 0; i < ROUNDS / 2; i++) {
      scripted.push(await runCode(script));
      let sent = 0;
      let received = 0;
      const t0 = performance.now();
      for (let j = 0; j < 10; j++) {
        const e = await execute();
        sent += e.sent;
        received += e.received;
      }
      separate.push({ ms: performance.now() - t0, sent, received });
    }

    // A child call's overhead: a 20-call script minus an empty one, per call, against one execute.
    const twenty = `for (let i = 0; i < 20; i++) await tools.call(${JSON.stringify(address)}, { petId: 1 });\nreturn 0;`;
    const perChild: number[] = [];
    const executes: number[] = [];
    for (let i = 0; i < ROUNDS / 2; i++) {
      const empty = (await runCode("return 0")).ms;
      perChild.push(((await runCode(twenty)).ms - empty) / 20);
      executes.push((await execute()).ms);
    }

    const p50 = (xs: number[]): number => percentile(xs, 50);
    console.log(`\ncode mode (${ROUNDS} rounds; run_code and execute over MCP on a loopback pet store)`);
    const part = (xs: Array<{ total: number; sandbox: number }>, k: "total" | "sandbox"): string =>
      `p50 ${ms(p50(xs.map((x) => x[k])))} p99 ${ms(percentile(xs.map((x) => x[k]), 99))}`;
    console.log(`sandbox alone ('return 1'): cold ${part(cold, "sandbox")} | warm ${part(warm, "sandbox")}`);
    console.log(`whole POST /v1/code:        cold ${part(cold, "total")} | warm ${part(warm, "total")}`);
    const sMs = scripted.map((s) => s.ms);
    const sBytes = p50(scripted.map((s) => s.sent + s.received));
    const xBytes = p50(separate.map((s) => s.sent + s.received));
    console.log(`10 calls: one script p50 ${ms(p50(sMs))}, ${sBytes} client bytes | 10 executes p50 ${ms(p50(separate.map((s) => s.ms)))}, ${xBytes} client bytes → ${(xBytes / sBytes).toFixed(1)}x fewer bytes, ${(p50(separate.map((s) => s.ms)) / p50(sMs)).toFixed(1)}x faster`);
    console.log(`child call overhead p50 ${ms(p50(perChild))} vs execute p50 ${ms(p50(executes))} → ${(p50(perChild) / p50(executes)).toFixed(2)}x`);
  } finally {
    await Promise.all([platform.stop(), pets.close()]);
    removeDataDir(platform.dataDir);
  }
}
