import type { JsonValue } from "../../schemas";
import { PluginError } from "../types";
import type { OpenApiConfig } from "./config";
import { arrayAt, isObject, objectAt, stringAt } from "./json";

/**
 * The absolute base URL for operations under `servers` (the operation's, else its path item's, else
 * the document's; OAS 3.1 §4.8.10). `baseUrl` in the config replaces all of them. Variables take the
 * config's `serverVariables`, else their defaults (§4.8.6); a relative URL resolves against the
 * document's own URL (§4.8.5.1): the one it was fetched from, or for an uploaded document the URL
 * it says it came from (`info.x-origin`, below); without either it needs `baseUrl`.
 */
export function serverUrl(
  servers: readonly (JsonValue | undefined)[],
  config: OpenApiConfig,
  documentUrl: string | undefined,
  where: string,
): string {
  if (config.baseUrl !== undefined) return trimSlash(config.baseUrl);
  const server = servers.map((s) => objectAt(arrayAt(s)?.[0])).find((s) => s !== undefined);
  // An empty URL is the default "/" (§4.8.5.1), not "the document itself".
  const template = stringAt(server?.url) || "/";
  const url = substitute(template, objectAt(server?.variables), config.serverVariables ?? {}, where);
  let absolute: URL;
  try {
    absolute = documentUrl !== undefined ? new URL(url, documentUrl) : new URL(url);
  } catch {
    const hint = documentUrl === undefined ? "; an uploaded document with relative servers needs `baseUrl` in the config" : "";
    throw new PluginError("invalid_document", `${where}: server URL "${url.slice(0, 200)}" is not an absolute URL${hint}`);
  }
  if (absolute.protocol !== "https:" && absolute.protocol !== "http:") {
    throw new PluginError("invalid_document", `${where}: server URL "${url.slice(0, 200)}" is not http(s)`);
  }
  absolute.search = "";
  absolute.hash = "";
  return trimSlash(absolute.href);
}

function substitute(template: string, variables: Record<string, JsonValue> | undefined, overrides: Record<string, string>, where: string): string {
  return template.replace(/\{([^{}]+)\}/g, (_match, name: string) => {
    const override = overrides[name];
    if (override !== undefined) return override;
    const variable = variables?.[name];
    const fallback = isObject(variable) ? variable.default : undefined;
    if (typeof fallback === "string" || typeof fallback === "number") return String(fallback);
    throw new PluginError("invalid_document", `${where}: server variable "${name.slice(0, 64)}" has no default; set it in serverVariables`);
  });
}

function trimSlash(url: string): string {
  return url.endsWith("/") ? url.slice(0, -1) : url;
}

/**
 * Where an uploaded document says it was published: APIs-guru's `info.x-origin[0].url` (every
 * document of their openapi-directory carries one). Relative server URLs then resolve against it as
 * they would had the document been fetched from there. Only an absolute http(s) URL counts; the
 * egress guard still decides every call.
 */
export function declaredOrigin(root: JsonValue): string | undefined {
  const origins = arrayAt(objectAt(objectAt(root)?.info)?.["x-origin"]);
  const url = stringAt(objectAt(origins?.[0])?.url);
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
