import { z } from "zod";

/**
 * An OpenAPI source's config. The document comes from exactly one place: a URL the platform fetches
 * through its egress guard, or an uploaded document handed to the plugin as `ctx.document`.
 */
export const OpenApiConfig = z
  .object({
    /** Where the OpenAPI document lives (JSON or YAML). */
    url: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
      .max(2048)
      .optional(),
    /** The document was uploaded; it arrives as `ctx.document`. */
    document: z.literal(true).optional(),
    /** Replaces every server URL of the document (e.g. a GitHub Enterprise host). */
    baseUrl: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
      .max(2048)
      .optional(),
    /** Values for the server URL template's variables; unspecified ones take their defaults. */
    serverVariables: z.record(z.string().min(1).max(128), z.string().max(1024)).optional(),
  })
  .strict()
  .refine((c) => (c.url === undefined) !== (c.document === undefined), {
    message: "exactly one of `url` and `document` must be given",
    path: ["url"],
  });
export type OpenApiConfig = z.infer<typeof OpenApiConfig>;

export type ConfigParse =
  | { ok: true; config: OpenApiConfig }
  | { ok: false; errors: Array<{ path: string; message: string }> };

export function parseOpenApiConfig(config: unknown): ConfigParse {
  const parsed = OpenApiConfig.safeParse(config);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join(".") || "(root)",
      message: issue.message,
    })),
  };
}
