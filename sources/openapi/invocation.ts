import { z } from "zod";
import type { JsonObject, ToolDefinition } from "../../schemas";

/**
 * What `invokeTool` needs to place one call, stored as the tool's opaque `invocation` data. It is
 * written by resolve and read back by invoke through this schema: stored data is a trust boundary.
 */
export const ParamLocation = z.enum(["path", "query", "header", "cookie"]);
export type ParamLocation = z.infer<typeof ParamLocation>;

/** OAS 3.1 §4.8.12.4 style values. */
export const ParamStyle = z.enum(["simple", "form", "label", "matrix", "spaceDelimited", "pipeDelimited", "deepObject"]);
export type ParamStyle = z.infer<typeof ParamStyle>;

export const InvocationParam = z.object({
  /** The argument's property name in the input schema. */
  key: z.string().min(1),
  /** The parameter's name on the wire. */
  name: z.string().min(1),
  in: ParamLocation,
  required: z.literal(true).optional(),
  /** Omitted when it is the location's default (OAS 3.1 §4.8.12.4). */
  style: ParamStyle.optional(),
  explode: z.boolean().optional(),
  /** The parameter is described with `content` (a JSON media type): its value is sent as JSON text. */
  json: z.literal(true).optional(),
});
export type InvocationParam = z.infer<typeof InvocationParam>;

export const BodyKind = z.enum(["json", "form", "multipart", "raw"]);
export type BodyKind = z.infer<typeof BodyKind>;

export const HttpMethod = z.enum(["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]);
export type HttpMethod = z.infer<typeof HttpMethod>;

export const Invocation = z.object({
  method: HttpMethod,
  /** The path template, e.g. `/repos/{owner}/{repo}`. */
  path: z.string().startsWith("/"),
  /** Absolute server URL the path is appended to, variables already substituted. */
  server: z.url(),
  params: z.array(InvocationParam),
  /** The request body travels under the `body` argument. */
  body: z
    .object({
      mediaType: z.string().min(1),
      kind: BodyKind,
      required: z.literal(true).optional(),
    })
    .optional(),
  /** The media type asked for in `Accept`: the one the output schema describes. */
  accept: z.string().optional(),
});
export type Invocation = z.infer<typeof Invocation>;

/** Invocation data as a JSON object, optional members omitted rather than `undefined`. */
export function invocationJson(invocation: Invocation): JsonObject {
  const params: JsonObject[] = invocation.params.map((p) => {
    const out: JsonObject = { key: p.key, name: p.name, in: p.in };
    if (p.required) out.required = true;
    if (p.style !== undefined) out.style = p.style;
    if (p.explode !== undefined) out.explode = p.explode;
    if (p.json) out.json = true;
    return out;
  });
  const out: JsonObject = { method: invocation.method, path: invocation.path, server: invocation.server, params };
  if (invocation.body !== undefined) {
    const body: JsonObject = { mediaType: invocation.body.mediaType, kind: invocation.body.kind };
    if (invocation.body.required) body.required = true;
    out.body = body;
  }
  if (invocation.accept !== undefined) out.accept = invocation.accept;
  return out;
}

/**
 * Where an operation's request, and the credential on it, goes (DESIGN invariant 6): the method and
 * the server URL with the path template (`GET https://api.example.com/v1/pets/{petId}`). Invalid
 * invocation data has no destination a grant could cover: it gets one that never matches a real one.
 */
export function destinationOf(tool: ToolDefinition): string {
  const parsed = Invocation.safeParse(tool.invocation);
  return parsed.success ? `${parsed.data.method} ${parsed.data.server}${parsed.data.path}` : "(invalid invocation data)";
}
