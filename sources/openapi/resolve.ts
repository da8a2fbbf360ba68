import { SharedTexts } from "../../core/evidence";
import type { JsonObject, SourceManifest, ToolDefinition } from "../../schemas";
import { MAX_SOURCE_TOOLS } from "../../schemas";
import { withHash } from "../hash";
import { PluginError } from "../types";
import type { SourceContext } from "../types";
import { authTemplates } from "./auth";
import type { OpenApiConfig } from "./config";
import { loadDocument } from "./document";
import { cleanText, isObject, objectAt, stringAt } from "./json";
import { derivedName, sanitizeName, uniqueNames } from "./names";
import type { OperationSite } from "./operation";
import { buildTool, METHODS } from "./operation";
import { deref } from "./pointer";
import { SchemaRegistry } from "./schemas";
import { declaredOrigin, serverUrl } from "./servers";

/** Counted before any tool is built, so an oversized document costs no schema work. */
const MAX_TOOLS = MAX_SOURCE_TOOLS;
const PROGRESS_EVERY = 100;

/** Document → manifest: one tool per operation, named, described, schema'd and hashed. */
export async function resolveTools(config: OpenApiConfig, ctx: SourceContext): Promise<SourceManifest> {
  const loaded = await loadDocument(config, ctx);
  const { root } = loaded;
  // An uploaded document's relative servers resolve against where it says it was published.
  const url = loaded.url ?? declaredOrigin(root);
  const sites = operationSites(root);
  if (sites.length > MAX_TOOLS) {
    throw new PluginError("unsupported", `the document describes ${sites.length} operations; at most ${MAX_TOOLS} are supported`);
  }
  const names = uniqueNames(sites.map(candidateName));
  const build = { root, registry: new SchemaRegistry(root), config, documentUrl: url };
  // The registry's schemas are shared by the tools and never mutated (schemas.ts): canonicalized once.
  const shared = new SharedTexts();

  const tools: ToolDefinition[] = [];
  for (const [i, site] of sites.entries()) {
    tools.push(await withHash(buildTool(names[i] ?? "_", site, build), shared));
    if (tools.length % PROGRESS_EVERY === 0) ctx.progress?.(tools.length);
  }
  if (tools.length % PROGRESS_EVERY !== 0) ctx.progress?.(tools.length);

  return {
    kind: "openapi",
    title: cleanText(stringAt(objectAt(root.info)?.title) ?? "", 256),
    tools,
    auth: authTemplates(root, serverUrl([root.servers], config, url, "servers")),
  };
}

/** Every operation, sorted by path then method so names and order do not depend on key order. */
function operationSites(root: JsonObject): OperationSite[] {
  const paths = objectAt(root.paths) ?? {};
  const sites: OperationSite[] = [];
  for (const path of Object.keys(paths).sort()) {
    if (path.startsWith("x-")) continue; // Paths Object extensions (OAS 3.1 §4.8.8.2)
    if (!path.startsWith("/")) throw new PluginError("invalid_document", `paths: "${path.slice(0, 200)}" must start with "/"`);
    const pathItem = deref(root, paths[path], `paths.${path}`);
    for (const method of METHODS) {
      const operation = pathItem[method.toLowerCase()];
      if (operation === undefined) continue;
      if (!isObject(operation)) throw new PluginError("invalid_document", `paths.${path}.${method.toLowerCase()} must be an object`);
      sites.push({ path, method, pathItem, operation });
    }
  }
  if (sites.length === 0) throw new PluginError("invalid_document", "the document's `paths` hold no operations");
  return sites;
}

function candidateName(site: OperationSite): string {
  const id = stringAt(site.operation.operationId)?.trim();
  return id !== undefined && id !== "" ? sanitizeName(id) : derivedName(site.method, site.path);
}
