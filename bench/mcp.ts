// MCP surface figures: tools/list size in meta vs direct mode for GitHub's catalog, search latency
// over 10,000+ tools, top-5 hit rate on a labelled query set, and `execute` overhead over a direct
// call to a local upstream, all measured in one run.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { client, signUpWithKey } from "../test/e2e/api";
import { removeDataDir, startPlatform } from "../test/e2e/platform";
import { json, serve } from "../test/e2e/upstreams/http-server";
import { GITHUB_QUERIES } from "./queries";
import { load, ms, percentile } from "./stats";

const SPECS = ["api.github.com", "ghec", "ghes-3.17", "ghes-3.18", "ghes-3.19"];
const spec = (name: string): string => readFileSync(join(dirname(import.meta.dirname), `node_modules/@octokit/openapi/generated/${name}.json`), "utf8");

async function mcpClient(base: string, key: string, query = ""): Promise<Client> {
  const c = new Client({ name: "bench", version: "1.0.0" });
  await c.connect(new StreamableHTTPClientTransport(new URL(`/mcp${query}`, base), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  return c;
}

async function listAll(c: Client): Promise<unknown[]> {
  const tools: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = await c.listTools(cursor ? { cursor } : {});
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

export async function mcpBench(): Promise<void> {
  // A local stand-in for api.github.com: the operation the execute figures call.
  const upstream = await serve((req, res) => json(res, 200, { full_name: req.path.slice("/repos/".length), stargazers_count: 42 }));
  const platform = await startPlatform();
  try {
    const owner = await signUpWithKey(platform.baseUrl, "bench-mcp@example.com");
    const api = client(platform.baseUrl, owner.key);
    const add = async (slug: string, name: string, scope: "org" | "user", config: Record<string, unknown>): Promise<number> => {
      const res = await api.post("/v1/sources", { scope, slug, kind: "openapi", config, document: spec(name), local: true, connection: { name: "work", secret: "bench-token" } });
      if (res.status !== 201) throw new Error(`import ${slug} failed: ${res.status} ${res.text.slice(0, 300)}`);
      return (res.body.tools as { added: string[] }).added.length;
    };
    let total = await add("github", "api.github.com", "org", { document: true, baseUrl: upstream.url });
    const github = await mcpClient(platform.baseUrl, owner.key);
    const meta = JSON.stringify((await github.listTools()).tools).length;
    const direct = JSON.stringify(await listAll(await mcpClient(platform.baseUrl, owner.key, "?tools=direct"))).length;
    console.log(`\nMCP tools/list for GitHub's catalog (${total} tools)`);
    console.log(`  meta mode:   ${meta} bytes (~${Math.round(meta / 4)} tokens), constant whatever the catalog holds`);
    console.log(`  direct mode: ${direct} bytes (~${Math.round(direct / 4)} tokens), ${(direct / meta).toFixed(0)}x meta`);

    const search = async (query: string): Promise<string[]> => {
      const res = await github.callTool({ name: "search", arguments: { query, source: "github", limit: 5 } });
      return ((res.structuredContent as { tools: Array<{ name: string }> }).tools ?? []).map((t) => t.name);
    };
    let hits = 0;
    const misses: string[] = [];
    for (const q of GITHUB_QUERIES) {
      if ((await search(q.query)).includes(q.expect)) hits++;
      else misses.push(`${q.query} → wanted ${q.expect}`);
    }
    console.log(`  labelled queries: top-5 hit rate ${hits}/${GITHUB_QUERIES.length} (${((hits / GITHUB_QUERIES.length) * 100).toFixed(0)}%)`);
    for (const m of misses) console.log(`    miss: ${m}`);

    for (const [i, name] of SPECS.slice(1).entries()) total += await add(`gh-${i}`, name, "org", { document: true });
    for (const [i, name] of SPECS.entries()) total += await add(`ghu-${i}`, name, "user", { document: true });
    const queries = GITHUB_QUERIES.map((q) => q.query);
    let n = 0;
    const searchAll = async (): Promise<void> => {
      await github.callTool({ name: "search", arguments: { query: queries[n++ % queries.length], limit: 10 } });
    };
    for (let i = 0; i < 10; i++) await searchAll();
    const s = await load(searchAll, 200, 1);
    console.log(`\nMCP search over ${total} tools (10 per page, 200 queries): p50 ${ms(percentile(s.latencies, 50))}, p99 ${ms(percentile(s.latencies, 99))}`);

    const address = `github.${owner.orgId}.work.repos/get`;
    const directCall = async (): Promise<void> => {
      await (await fetch(`${upstream.url}/repos/octo/hello`, { headers: { authorization: "Bearer bench-token" } })).arrayBuffer();
    };
    const execute = async (): Promise<void> => {
      const res = await github.callTool({ name: "execute", arguments: { address, arguments: { owner: "octo", repo: "hello" } } });
      if (res.isError) throw new Error(JSON.stringify(res.structuredContent));
    };
    for (let i = 0; i < 20; i++) await execute();
    const d = await load(directCall, 300, 1);
    const e = await load(execute, 300, 1);
    const dp = percentile(d.latencies, 50);
    const ep = percentile(e.latencies, 50);
    console.log(`\nMCP execute of github repos/get against a local upstream (300 calls, concurrency 1)`);
    console.log(`  direct p50 ${ms(dp)}, execute p50 ${ms(ep)} (p99 ${ms(percentile(e.latencies, 99))}), ratio ${(ep / dp).toFixed(1)}x`);
  } finally {
    await Promise.all([platform.stop(), upstream.close()]);
    removeDataDir(platform.dataDir);
  }
}
