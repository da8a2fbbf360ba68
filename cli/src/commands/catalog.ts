import { basename, extname } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { answer } from "../api";
import type { Api, Ctx } from "../context";
import { CliError, EXIT } from "../context";
import { asList, asRecord, str, table } from "../output";
import { formatBytes, Progress } from "../progress";
import { readSecret } from "../secret-input";
import { countGraphql, countOpenApi, readWithProgress } from "../spec-count";

type Kind = "openapi" | "graphql" | "mcp";
type AddOptions = { slug?: string; kind: Kind; title?: string; scope: string; local?: boolean; connection?: string; secretStdin?: boolean; endpoint?: string };

const isUrl = (input: string): boolean => /^https?:\/\//i.test(input);

/** A slug from a file name or host: lower case, a-z0-9 and '-', at most 63 characters. */
function slugFrom(input: string): string {
  const stem = isUrl(input) ? (new URL(input).hostname.split(".").find((p) => p !== "api" && p !== "www") ?? "source") : basename(input, extname(input));
  const slug = stem.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63);
  return slug || "source";
}

/** Sends a JSON body in chunks, so the bar can show the upload as the server takes it in. */
async function uploadWithProgress(api: Api, path: string, body: string, progress: Progress): Promise<Response> {
  const bytes = new TextEncoder().encode(body);
  const CHUNK = 256 * 1024;
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes.length) {
        progress.update("uploading", 1, `${formatBytes(bytes.length)} sent; the server is importing…`);
        controller.close();
        return;
      }
      const next = bytes.subarray(sent, sent + CHUNK);
      sent += next.length;
      progress.update("uploading", sent / bytes.length, `${formatBytes(sent)} / ${formatBytes(bytes.length)}`);
      controller.enqueue(next);
    },
  });
  const init = { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: stream, duplex: "half" };
  return api.fetch(path, init as RequestInit);
}

function report(tools: Record<string, unknown>): string {
  const n = (key: string): number => (Array.isArray(tools[key]) ? (tools[key] as unknown[]).length : 0);
  return `${n("added")} added, ${n("changed")} changed, ${n("moved")} moved, ${n("removed")} removed, ${str(tools.unchanged) || 0} unchanged`;
}

async function addSource(ctx: Ctx, input: string, opts: AddOptions): Promise<void> {
  const { out } = ctx;
  const slug = opts.slug ?? slugFrom(input);
  const body: Record<string, unknown> = { slug, kind: opts.kind, scope: opts.scope, local: opts.local === true };
  if (opts.title) body.title = opts.title;
  // The secret first (stdin or the prompt), before the bar takes over stderr.
  const secret = opts.connection && opts.secretStdin ? await readSecret(`Secret for ${slug}/${opts.connection}: `) : undefined;
  const progress = new Progress();
  let operations: number | null = null;
  if (isUrl(input)) {
    body.config = opts.kind === "graphql" ? { endpoint: input } : { url: input };
  } else {
    if (opts.kind === "mcp") throw new CliError("an MCP source is added by its URL, not a file", EXIT.usage);
    if (opts.kind === "graphql" && !opts.endpoint) throw new CliError("a GraphQL schema file needs --endpoint URL (where its calls go)", EXIT.usage);
    const text = await readWithProgress(input, progress);
    operations = opts.kind === "openapi" ? await countOpenApi(text, input, progress) : await countGraphql(text, input, progress);
    progress.done(`${input}: ${operations} ${opts.kind === "openapi" ? "operations" : "fields"} found locally`);
    body.config = opts.kind === "graphql" ? { endpoint: opts.endpoint } : { document: true };
    body.document = text;
  }
  if (opts.connection) {
    body.connection = { name: opts.connection, ...(secret !== undefined ? { secret } : {}) };
  }
  const api = await ctx.api();
  const json = JSON.stringify(body);
  const res = isUrl(input)
    ? (out.info(`importing ${input}…`), await api.fetch("/v1/sources", { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: json }))
    : await uploadWithProgress(api, "/v1/sources", json, progress);
  const added = asRecord((await answer(res)).body);
  if (!isUrl(input)) progress.done(`uploaded ${formatBytes(Buffer.byteLength(json))}`);
  const tools = asRecord(added.tools);
  out.result({ ...added, operationsFound: operations }, () => `Added source '${str(asRecord(added.source).slug)}' (${opts.kind}): ${report(tools)}.`);
}

const scopeOption = (): Option => new Option("--scope <scope>", "where it is placed").choices(["org", "user"]).default("org");

export function registerCatalog(program: Command, ctx: () => Ctx): void {
  const sources = program.command("sources").description("APIs imported as tools (OpenAPI, GraphQL, MCP)");
  sources
    .command("add")
    .description("import a source by URL, or upload an OpenAPI (or GraphQL schema) file with a progress bar")
    .argument("<url-or-file>")
    .option("--slug <slug>", "its name in addresses (default: from the file name or host)")
    .addOption(new Option("--kind <kind>", "what it is").choices(["openapi", "graphql", "mcp"]).default("openapi"))
    .option("--title <title>")
    .addOption(scopeOption())
    .option("--connection <name>", "also create a first connection with this name")
    .option("--secret-stdin", "the connection's secret: read from stdin (or prompted on a terminal)")
    .option("--endpoint <url>", "GraphQL file: the endpoint its calls go to")
    .option("--local", "development only: allow a loopback http upstream")
    .action(async (input: string, opts: AddOptions) => addSource(ctx(), input, opts));

  sources
    .command("list")
    .description("the sources in your scopes")
    .action(async () => {
      const { out, api } = ctx();
      const body = asRecord((await (await api()).json("GET", "/v1/sources")).body);
      out.result(body, () => table(["SLUG", "KIND", "SCOPE", "TITLE"], asList(body.sources).map((s) => [str(s.slug), str(s.kind), str(s.scope), str(s.title)])));
    });

  sources
    .command("refresh")
    .description("re-read a source (from its URL, its stored document, or --file) and show what changed")
    .argument("<slug>")
    .option("--file <file>", "a new version of an uploaded document")
    .addOption(scopeOption())
    .action(async (slug: string, opts: { file?: string; scope: string }) => {
      const { out, api } = ctx();
      const path = `/v1/sources/${encodeURIComponent(slug)}/refresh?scope=${opts.scope}`;
      const progress = new Progress();
      const document = opts.file ? await readWithProgress(opts.file, progress) : undefined;
      if (opts.file) progress.done(`read ${opts.file}`);
      const body = asRecord((await (await api()).json("POST", path, document !== undefined ? { document } : undefined)).body);
      out.result(body, () => `Refreshed '${slug}': ${report(asRecord(body.tools))}.`);
    });

  const connections = program.command("connections").description("named credentials per source (secrets go in, never come out)");
  connections
    .command("add")
    .description("add a connection; the secret is prompted without echo, or read from stdin (never an argument)")
    .argument("<source>")
    .argument("<name>")
    .addOption(scopeOption())
    .option("--secret-ref <ref>", "use a deployment secret (env://NAME) instead of a stored one")
    .option("--no-secret", "a connection without a credential")
    .action(async (source: string, name: string, opts: { scope: string; secretRef?: string; secret: boolean }) => {
      const { out, api } = ctx();
      const body: Record<string, unknown> = { source, name, scope: opts.scope };
      if (opts.secretRef) body.secretRef = opts.secretRef;
      else if (opts.secret) body.secret = await readSecret(`Secret for ${source}/${name}: `);
      const created = asRecord((await (await api()).json("POST", "/v1/connections", body)).body);
      const c = asRecord(created.connection);
      out.result(created, () => `Added connection '${str(c.name)}' to '${str(c.source)}' (${str(c.secretRef) || "no secret"}).`);
    });
  connections
    .command("list")
    .description("connections in your scopes (never their secrets)")
    .action(async () => {
      const { out, api } = ctx();
      const body = asRecord((await (await api()).json("GET", "/v1/connections")).body);
      out.result(body, () => table(["SOURCE", "NAME", "SCOPE", "SECRET"], asList(body.connections).map((c) => [str(c.source), str(c.name), str(c.scope), str(c.secretRef)])));
    });
}
