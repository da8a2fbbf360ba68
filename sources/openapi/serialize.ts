import type { JsonValue } from "../../schemas";
import type { InvocationParam, ParamStyle } from "./invocation";

/**
 * Parameter serialization, OAS 3.1 §4.8.12.4 (style values) and its style examples table. Path values
 * come out percent-encoded; query pairs come out raw (the caller encodes them); headers and cookies
 * come out as their field text.
 */
const DEFAULT_STYLE = { path: "simple", query: "form", header: "simple", cookie: "form" } as const;

function styleOf(p: InvocationParam): ParamStyle {
  return p.style ?? DEFAULT_STYLE[p.in];
}

function explodeOf(p: InvocationParam): boolean {
  return p.explode ?? styleOf(p) === "form";
}

/** A primitive as text; objects nested inside arrays or objects travel as JSON. */
function text(value: JsonValue): string {
  if (value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function entries(value: { [key: string]: JsonValue }): Array<[string, string]> {
  return Object.entries(value).map(([k, v]) => [k, text(v)]);
}

/** RFC 3986 §2.3: everything but unreserved characters is percent-encoded. */
export function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function pathValue(p: InvocationParam, value: JsonValue): string {
  if (p.json) return encode(JSON.stringify(value));
  const style = styleOf(p);
  const explode = explodeOf(p);
  const prefix = style === "label" ? "." : style === "matrix" ? `;${encode(p.name)}=` : "";
  if (Array.isArray(value)) {
    const items = value.map((v) => encode(text(v)));
    if (style === "matrix" && explode) return items.map((v) => `;${encode(p.name)}=${v}`).join("");
    return prefix + items.join(style === "label" && explode ? "." : ",");
  }
  if (value !== null && typeof value === "object") {
    const pairs = entries(value).map(([k, v]) => [encode(k), encode(v)] as const);
    if (style === "matrix" && explode) return pairs.map(([k, v]) => `;${k}=${v}`).join("");
    if (explode) return (style === "label" ? "." : "") + pairs.map(([k, v]) => `${k}=${v}`).join(style === "label" ? "." : ",");
    return prefix + pairs.flat().join(",");
  }
  return prefix + encode(text(value));
}

export function queryPairs(p: InvocationParam, value: JsonValue): Array<[string, string]> {
  if (p.json) return [[p.name, JSON.stringify(value)]];
  const style = styleOf(p);
  const explode = explodeOf(p);
  if (Array.isArray(value)) {
    const items = value.map(text);
    if (style === "spaceDelimited") return [[p.name, items.join(" ")]];
    if (style === "pipeDelimited") return [[p.name, items.join("|")]];
    return explode ? items.map((v) => [p.name, v]) : [[p.name, items.join(",")]];
  }
  if (value !== null && typeof value === "object") {
    if (style === "deepObject") return entries(value).map(([k, v]) => [`${p.name}[${k}]`, v]);
    return explode ? entries(value) : [[p.name, entries(value).flat().join(",")]];
  }
  return [[p.name, text(value)]];
}

export function headerValue(p: InvocationParam, value: JsonValue): string {
  if (p.json) return JSON.stringify(value);
  if (Array.isArray(value)) return value.map(text).join(",");
  if (value !== null && typeof value === "object") {
    const pairs = entries(value);
    return explodeOf(p) ? pairs.map(([k, v]) => `${k}=${v}`).join(",") : pairs.flat().join(",");
  }
  return text(value);
}

/** RFC 6265 §4.2.1 `name=value`; the value percent-encoded so `;` and `,` cannot split it. */
export function cookiePair(p: InvocationParam, value: JsonValue): string {
  if (p.json) return `${p.name}=${encode(JSON.stringify(value))}`;
  const raw = Array.isArray(value)
    ? value.map(text).join(",")
    : value !== null && typeof value === "object"
      ? entries(value).flat().join(",")
      : text(value);
  return `${p.name}=${encode(raw)}`;
}

export function queryString(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&");
}
