import type { JsonObject, JsonValue } from "../../schemas";
import type { BodyKind } from "./invocation";
import { isObject, objectAt } from "./json";
import { deref } from "./pointer";

/** The essence of a media type (RFC 9110 §8.3.1): lowercased, parameters dropped. */
export function essence(mediaType: string): string {
  return (mediaType.split(";")[0] ?? "").trim().toLowerCase();
}

/** `application/json` and any `+json` structured syntax suffix (RFC 6839 §3.1). */
export function isJsonMediaType(mediaType: string): boolean {
  const e = essence(mediaType);
  return e === "application/json" || /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+\+json$/.test(e);
}

export interface RequestBody {
  readonly mediaType: string;
  readonly kind: BodyKind;
  readonly required: boolean;
  readonly schema: JsonValue;
  readonly description?: string;
}

/**
 * The request body we send: JSON first (application/json, then +json), then urlencoded and multipart
 * forms, then the first other media type as raw text. `*∕*` is sent as JSON, which is what such
 * documents (typically generated ones) mean.
 */
export function requestBody(root: JsonObject, raw: JsonValue | undefined, where: string): RequestBody | undefined {
  if (raw === undefined) return undefined;
  const body = deref(root, raw, `${where}.requestBody`);
  const content = objectAt(body.content);
  if (content === undefined) return undefined;
  const types = Object.keys(content);
  if (types.length === 0) return undefined;
  const pick = (test: (t: string) => boolean): string | undefined => types.find(test);
  const chosen =
    pick((t) => essence(t) === "application/json") ??
    pick(isJsonMediaType) ??
    pick((t) => essence(t) === "application/x-www-form-urlencoded") ??
    pick((t) => essence(t) === "multipart/form-data") ??
    pick((t) => essence(t) === "*/*") ??
    (types[0] ?? "application/octet-stream");
  const e = essence(chosen);
  const kind: BodyKind =
    isJsonMediaType(chosen) || e === "*/*"
      ? "json"
      : e === "application/x-www-form-urlencoded"
        ? "form"
        : e === "multipart/form-data"
          ? "multipart"
          : "raw";
  const media = objectAt(content[chosen]);
  const schema = media?.schema ?? (kind === "raw" ? { type: "string" } : {});
  const out = { mediaType: e === "*/*" ? "application/json" : chosen, kind, required: body.required === true, schema };
  return typeof body.description === "string" ? { ...out, description: body.description } : out;
}

export interface ResponseBody {
  readonly mediaType: string;
  readonly schema: JsonValue;
}

/** The success response's JSON schema: the lowest 2xx code (then `2XX`) that has JSON content. */
export function successResponse(root: JsonObject, responses: JsonValue | undefined, where: string): ResponseBody | undefined {
  if (!isObject(responses)) return undefined;
  const codes = Object.keys(responses)
    .filter((code) => /^2(\d\d|XX)$/i.test(code))
    .sort((a, b) => rank(a) - rank(b));
  for (const code of codes) {
    const response = deref(root, responses[code], `${where}.responses.${code}`);
    const content = objectAt(response.content);
    if (content === undefined) continue;
    const mediaType = Object.keys(content).find(isJsonMediaType);
    const schema = mediaType === undefined ? undefined : objectAt(content[mediaType])?.schema;
    if (mediaType !== undefined && schema !== undefined) return { mediaType: essence(mediaType), schema };
  }
  return undefined;
}

function rank(code: string): number {
  return /^\d+$/.test(code) ? Number(code) : 300;
}
