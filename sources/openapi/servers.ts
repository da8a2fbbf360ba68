import type { JsonValue } from "../../schemas";
import { PluginError } from "../types";
import type { OpenApiConfig } from "./config";
import { arrayAt, isObject, objectAt, stringAt } from "./json";

/**
 * The absolute base URL for operations under `servers` (the operation's, else its path item's, else
 * the document's; OAS 3.1 §4.8.10). `baseUrl` in the config replaces all of them. Variables take the
 * config's `serverVariables`, else their defaults (§4.8.6); a relative URL resolves against the
 * document's own URL (§4.8.5.1), and with an uploaded document it needs `baseUrl`.
 */
export function serverUrl(
  servers: readonly (JsonValue | undefined)[],
  config: OpenApiConfig,
  documentUrl: string | undefined,
  where: string,
): string {
  if (config.baseUrl !== undefined) return trimSlash(config.baseUrl);
  const server = servers.map((s) => objectAt(arrayAt(s)?.[0])).find((s) => s !== undefined);
  const template = stringAt(server?.url) ?? "/";
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
