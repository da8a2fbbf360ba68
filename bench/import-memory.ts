// The heap one spec upload needs, measured as the smallest V8 heap (`--max-heap-size`) in which the
// import still completes: GitHub's description, a JSON document at the JSON cap, a YAML document at
// the YAML cap, and a crafted body at the upload cap. Each runs the gateway's steps in a child
// process (read the body, bounded parse, SourceCreateBody, resolveTools, hash, serialize the catalog
// RPC) and then the ScopeCatalog's (deserialize, validate, stringify the rows) in another.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { stringify as toYaml } from "yaml";
import { z } from "zod";
import { JSON_LIMITS, parseJson } from "../core/json";
import { CatalogToolDefinition, MAX_SOURCE_TOOLS, SourceCreateBody } from "../schemas";
import { manifestHash } from "../sources/hash";
import { openApiPlugin, parseOpenApiConfig } from "../sources/openapi";
import { MAX_DOCUMENT_BYTES } from "../sources/openapi/document";
import { MAX_YAML_DOCUMENT_BYTES } from "../sources/openapi/yaml";
import { MAX_MANIFEST_CHARS, SPEC_BODY_LIMIT, assertImportFits, assertUploadFits } from "../workers/gateway/catalog/import-limits";
import { HttpError } from "../workers/shared/problem";

const MiB = 1024 * 1024;
const root = dirname(import.meta.dirname);
const githubPath = join(root, "node_modules/@octokit/openapi/generated/api.github.com.json");

type Step = { ok: boolean; detail: string };

/** The gateway isolate's side of `POST /v1/sources` with an uploaded document. */
async function gatewaySide(bodyFile: string, rpcFile: string): Promise<Step> {
  let bytes: Uint8Array | null = readFileSync(bodyFile);
  if (bytes.byteLength > SPEC_BODY_LIMIT) return { ok: false, detail: `413: body exceeds ${SPEC_BODY_LIMIT} bytes` };
  let text: string | null = new TextDecoder().decode(bytes);
  bytes = null;
  const json = parseJson(text, JSON_LIMITS.request);
  text = null;
  if (!json.ok) return { ok: false, detail: `refused at the body: ${json.reason === "limit" ? json.breach.limit : "syntax"}` };
  const body = SourceCreateBody.parse(json.value);
  const config = parseOpenApiConfig(body.config);
  if (!config.ok) throw new Error("bad config");
  const fetch = (): Promise<Response> => Promise.reject(new Error("no network"));
  let manifest;
  try {
    assertUploadFits(body.document);
    manifest = await openApiPlugin.resolveTools(config.config, { fetch, ...(body.document === undefined ? {} : { document: body.document }) });
  } catch (error) {
    const status = error instanceof HttpError ? error.status : 422;
    return { ok: false, detail: `${status}: ${error instanceof Error ? error.message.slice(0, 140) : String(error)}` };
  }
  const tools = manifest.tools.map((t) => ({ ...t, destination: "GET https://api.example.com/x" }));
  try {
    assertImportFits(tools, body.document);
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, detail: `${error.status}: ${error.message}` };
    throw error;
  }
  const payload = serialize({ source: { slug: body.slug }, tools, manifestHash: await manifestHash(manifest), auth: manifest.auth, document: body.document });
  writeFileSync(rpcFile, payload);
  return { ok: true, detail: `${tools.length} tools, RPC payload ${(payload.byteLength / MiB).toFixed(1)} MiB` };
}

/** The ScopeCatalog isolate's side: the RPC arrives, is validated (ImportInput) and stored as rows. */
function catalogSide(rpcFile: string): Step {
  const input = deserialize(readFileSync(rpcFile)) as unknown;
  const parsed = z.object({ tools: z.array(CatalogToolDefinition), document: z.string().optional() }).parse(input);
  let rows = 0;
  for (const t of parsed.tools) rows += JSON.stringify(t.inputSchema ?? null).length + JSON.stringify(t.outputSchema ?? null).length;
  return { ok: true, detail: `${parsed.tools.length} tools, ${(rows / MiB).toFixed(1)} MiB of schema rows` };
}

/** The smallest heap (MiB, to 2 MiB) in which `side` succeeds for `bodyFile`; null if it never does. */
function smallestHeap(side: "gateway" | "catalog", bodyFile: string, rpcFile: string): { mib: number | null; accepted?: boolean; detail: string } {
  const run = (mib: number): Step | null => {
    const child = spawnSync(process.execPath, [`--max-heap-size=${mib}`, "--import", "tsx", import.meta.filename, side, bodyFile, rpcFile], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 16 * MiB,
    });
    const line = child.stdout.split("\n").find((l) => l.startsWith("{"));
    return child.status === 0 && line ? (JSON.parse(line) as Step) : null;
  };
  // A refusal is a completed step too: the heap it needs is what an attacker can make us spend.
  const roomy = run(1024);
  if (roomy === null) return { mib: null, detail: "fails even with 1 GiB" };
  let lo = 8;
  let hi = 1024;
  while (hi - lo > 2) {
    const mid = Math.floor((lo + hi) / 2);
    if (run(mid) !== null) hi = mid;
    else lo = mid;
  }
  return { mib: hi, accepted: roomy.ok, detail: roomy.detail };
}

type Spec = { paths: Record<string, unknown>; components: Record<string, Record<string, unknown>>; webhooks?: unknown };

/** GitHub's description cut to its first `count` paths and the components they reach. */
function githubSubset(github: Spec, count: number): Spec {
  const paths = Object.fromEntries(Object.entries(github.paths).slice(0, count));
  const components: Spec["components"] = {};
  const stack: unknown[] = [paths];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (typeof node !== "object" || node === null) continue;
    for (const [key, value] of Object.entries(node)) {
      const ref = key === "$ref" && typeof value === "string" ? /^#\/components\/([^/]+)\/(.+)$/.exec(value) : null;
      if (ref?.[1] && ref[2] && components[ref[1]]?.[ref[2]] === undefined) {
        const target = github.components[ref[1]]?.[ref[2]];
        (components[ref[1]] ??= {})[ref[2]] = target;
        stack.push(target);
      } else stack.push(value);
    }
  }
  return { ...github, paths, components, webhooks: undefined };
}

/** GitHub's paths copied under `/v<n>` prefixes (sharing its components): a larger API's description. */
function githubCopies(github: Spec, copies: number): Spec {
  const entries = Object.entries(github.paths);
  const paths = Object.fromEntries(Array.from({ length: copies }, (_, c) => entries.map(([p, item]) => [c === 0 ? p : `/v${c + 1}${p}`, item])).flat());
  return { ...github, paths };
}

/** The largest document `make(n)` (n growing) whose rendering stays under `bytes`. */
function largestUnder(bytes: number, max: number, make: (n: number) => Spec, render: (doc: Spec) => string): string {
  let lo = 1;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (render(make(mid)).length <= bytes) lo = mid;
    else hi = mid - 1;
  }
  return render(make(lo));
}

/** GitHub's description grown (or cut) to just under `bytes` of pretty JSON, minified JSON or YAML. */
function githubScaledTo(bytes: number, format: "pretty" | "minified" | "yaml"): string {
  const github = JSON.parse(readFileSync(githubPath, "utf8")) as Spec;
  const render = (doc: Spec): string =>
    format === "yaml" ? toYaml(doc, { aliasDuplicateObjects: false, lineWidth: 0 }) : JSON.stringify(doc, null, format === "pretty" ? 2 : undefined);
  const pathCount = Object.keys(github.paths).length;
  if (render(github).length > bytes) return largestUnder(bytes, pathCount, (n) => githubSubset(github, n), render);
  // Grow by whole copies of the paths, then by a subset of the last copy.
  let copies = 1;
  while (render(githubCopies(github, copies + 1)).length <= bytes) copies++;
  const base = githubCopies(github, copies);
  const extra = Object.entries(github.paths).map(([p, item]): [string, unknown] => [`/v${copies + 1}${p}`, item]);
  return largestUnder(bytes, extra.length, (n) => ({ ...base, paths: { ...base.paths, ...Object.fromEntries(extra.slice(0, n)) } }), render);
}

/** `text` (a JSON description) with its `info.description` grown until the text is `bytes` long. */
function padded(text: string, bytes: number): string {
  const doc = JSON.parse(text) as { info: { description?: string } };
  doc.info.description = "";
  const base = JSON.stringify(doc, null, 2).length;
  doc.info.description = "lorem ipsum ".repeat(Math.floor((bytes - base) / 12));
  return JSON.stringify(doc, null, 2);
}

/** `count` distinct tools of ~`chars` JSON characters each, as an MCP server's listing would give. */
function syntheticTools(count: number, chars: number): unknown[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `tool_${i}`,
    description: "d".repeat(200),
    inputSchema: { type: "object", properties: Object.fromEntries(Array.from({ length: Math.floor(chars / 60) }, (_, p) => [`p${p}`, { type: "string", description: "x".repeat(20) }])) },
    sideEffect: "destructive",
    hash: "0".repeat(64),
    invocation: { name: `tool_${i}` },
    destination: "mcp https://mcp.example.com/",
  }));
}

export async function importMemory(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "import-memory-"));
  const github = readFileSync(githubPath, "utf8");
  const latin1 = (text: string): string => text.replace(/[^\u0000-\u00ff]/g, "?");
  try {
    const cap = MAX_DOCUMENT_BYTES - 64 * 1024;
    const tiny = { openapi: "3.1.0", info: { title: "t", version: "1" }, servers: [{ url: "https://x.example" }], paths: { "/a": { get: { responses: {} } } } };
    const cases: Array<[string, string]> = [
      ["a one-operation description (the baseline: the modules themselves)", JSON.stringify(tiny)],
      ["GitHub REST description (pretty JSON, two-byte)", github],
      [`pretty JSON at the document cap (${MAX_DOCUMENT_BYTES / MiB} MiB, one-byte)`, latin1(githubScaledTo(cap, "pretty"))],
      [`minified JSON at the document cap (densest: most tools per byte)`, latin1(githubScaledTo(cap, "minified"))],
      [`GitHub's description padded to the document cap (long descriptions, one-byte)`, latin1(padded(github, cap))],
      [`pretty JSON at the document cap, two-byte`, githubScaledTo(cap, "pretty")],
      [`YAML at the YAML cap (${MAX_YAML_DOCUMENT_BYTES / MiB} MiB)`, githubScaledTo(MAX_YAML_DOCUMENT_BYTES - 16 * 1024, "yaml")],
      ["GitHub REST description as YAML", toYaml(JSON.parse(github), { aliasDuplicateObjects: false, lineWidth: 0 })],
    ];
    console.log(`\nImport memory: the smallest V8 heap (--max-heap-size) that completes each side; upload cap ${SPEC_BODY_LIMIT / MiB} MiB`);
    for (const [name, document] of cases) {
      const bodyFile = join(dir, "body.json");
      writeFileSync(bodyFile, JSON.stringify({ slug: "spec", kind: "openapi", config: { document: true }, document }));
      const rpcFile = join(dir, "rpc.bin");
      const gateway = smallestHeap("gateway", bodyFile, rpcFile);
      const size = `${(document.length / MiB).toFixed(1)} MiB`;
      if (gateway.accepted !== true) {
        console.log(`  ${name}, ${size}: gateway ${gateway.mib ?? "-"} MiB to refuse it (${gateway.detail})`);
        continue;
      }
      const catalog = smallestHeap("catalog", bodyFile, rpcFile);
      console.log(`  ${name}, ${size}: gateway ${gateway.mib} MiB (${gateway.detail}); catalog ${catalog.mib ?? "-"} MiB (${catalog.detail})`);
    }
    const crafted = join(dir, "crafted.json");
    writeFileSync(crafted, `{"slug":"x","kind":"openapi","config":{"document":true,"x":[${"{},".repeat((SPEC_BODY_LIMIT - 100) / 3)}{}]}}`);
    const refused = smallestHeap("gateway", crafted, join(dir, "rpc.bin"));
    console.log(`  ${SPEC_BODY_LIMIT / MiB} MiB body of [{},{},…] in config: gateway ${refused.mib ?? "-"} MiB to refuse it (${refused.detail})`);
    const rpcFile = join(dir, "manifest.bin");
    writeFileSync(rpcFile, serialize({ tools: syntheticTools(MAX_SOURCE_TOOLS, MAX_MANIFEST_CHARS / MAX_SOURCE_TOOLS) }));
    const catalog = smallestHeap("catalog", rpcFile, rpcFile);
    console.log(`  manifest at the caps (${MAX_SOURCE_TOOLS} tools, ~${MAX_MANIFEST_CHARS / MiB} MiB of JSON), catalog side: ${catalog.mib ?? "-"} MiB (${catalog.detail})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [side, bodyFile, rpcFile] = process.argv.slice(2);
if ((side === "gateway" || side === "catalog") && bodyFile && rpcFile) {
  const step = side === "gateway" ? await gatewaySide(bodyFile, rpcFile) : catalogSide(rpcFile);
  console.log(JSON.stringify(step));
}
