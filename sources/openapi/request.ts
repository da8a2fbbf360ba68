import type { JsonObject, JsonValue } from "../../schemas";
import type { Invocation } from "./invocation";
import { cookiePair, headerValue, pathValue, queryPairs, queryString } from "./serialize";

/** A request under construction: credentials are placed into it before it is sent. */
export interface RequestParts {
  readonly method: string;
  /** Server URL + expanded path, without the query. */
  readonly url: string;
  readonly query: Array<[string, string]>;
  readonly headers: Headers;
  readonly cookies: string[];
  readonly body?: string | FormData | URLSearchParams;
}

export class ArgumentError extends Error {
  override readonly name = "ArgumentError";
}

/** Places each argument where the operation's parameters say, and the `body` argument as the body. */
export function buildRequest(invocation: Invocation, args: JsonObject): RequestParts {
  const query: Array<[string, string]> = [];
  const headers = new Headers();
  const cookies: string[] = [];
  let path = invocation.path;
  for (const p of invocation.params) {
    const value = args[p.key];
    if (value === undefined) {
      if (p.required) throw new ArgumentError(`missing required ${p.in} parameter \`${p.key}\``);
      continue;
    }
    switch (p.in) {
      case "path": {
        const segment = pathValue(p, value);
        // RFC 3986 §5.2.4: "." and ".." segments are removed by every URL parser, so such a value would
        // reach a different endpoint than the tool's (with its credential); an empty one likewise.
        if (segment === "" || segment === "." || segment === "..") {
          throw new ArgumentError(`path parameter \`${p.key}\` cannot be empty, "." or ".."`);
        }
        path = path.split(`{${p.name}}`).join(segment);
        break;
      }
      case "query":
        query.push(...queryPairs(p, value));
        break;
      case "header": {
        const text = headerValue(p, value);
        // RFC 9110 §5.5: a field value cannot carry CR, LF or NUL.
        if (/[\r\n\0]/.test(text)) throw new ArgumentError(`header parameter \`${p.key}\` contains a line break or NUL`);
        headers.set(p.name, text);
        break;
      }
      case "cookie":
        cookies.push(cookiePair(p, value));
        break;
    }
  }
  if (invocation.accept !== undefined) headers.set("accept", invocation.accept);
  const parts = { method: invocation.method, url: invocation.server + path, query, headers, cookies };
  const bodyArg = args.body;
  if (invocation.body === undefined) return parts;
  if (bodyArg === undefined) {
    if (invocation.body.required) throw new ArgumentError("missing required request body `body`");
    return parts;
  }
  const { kind, mediaType } = invocation.body;
  if (kind === "json") {
    headers.set("content-type", mediaType);
    return { ...parts, body: JSON.stringify(bodyArg) };
  }
  if (kind === "raw") {
    headers.set("content-type", mediaType);
    return { ...parts, body: typeof bodyArg === "string" ? bodyArg : JSON.stringify(bodyArg) };
  }
  if (bodyArg === null || typeof bodyArg !== "object" || Array.isArray(bodyArg)) {
    throw new ArgumentError(`the \`body\` of a ${mediaType} request must be an object of form fields`);
  }
  // The content type (with the multipart boundary) is set by fetch from the body itself.
  return { ...parts, body: kind === "form" ? urlEncoded(bodyArg) : multipart(bodyArg) };
}

/** Form fields: arrays repeat their key (form style, explode: OAS 3.1 §4.8.15.1), objects go as JSON. */
function fieldEntries(fields: JsonObject): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const asText = (v: JsonValue): string => (v !== null && typeof v === "object" ? JSON.stringify(v) : v === null ? "" : String(v));
  for (const [name, value] of Object.entries(fields)) {
    if (Array.isArray(value)) for (const item of value) out.push([name, asText(item)]);
    else out.push([name, asText(value)]);
  }
  return out;
}

function urlEncoded(fields: JsonObject): URLSearchParams {
  return new URLSearchParams(fieldEntries(fields));
}

function multipart(fields: JsonObject): FormData {
  const form = new FormData();
  for (const [name, value] of fieldEntries(fields)) form.append(name, value);
  return form;
}

/** The final URL and fetch init: query pairs percent-encoded (RFC 3986), cookies joined per RFC 6265. */
export function finish(parts: RequestParts, signal: AbortSignal): { url: string; init: RequestInit } {
  const qs = queryString(parts.query);
  const url = qs === "" ? parts.url : `${parts.url}${parts.url.includes("?") ? "&" : "?"}${qs}`;
  if (parts.cookies.length > 0) parts.headers.set("cookie", parts.cookies.join("; "));
  // Redirects are the egress guard's to follow: it re-checks every hop and strips credentials across origins.
  const init: RequestInit = { method: parts.method, headers: parts.headers, signal };
  if (parts.body !== undefined) init.body = parts.body;
  return { url, init };
}
