import { z } from "zod";
import { ToolAddress, ToolPattern } from "./address";
import { EpochMs, RecordId, ScopeId, Slug } from "./common";

/** A web origin (RFC 6454 §6.2 serialization: scheme://host[:port]), as a browser sends it in `Origin`. */
export const WebOrigin = z
  .string()
  .max(256)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
    } catch {
      return false;
    }
  }, "must be an origin such as https://app.example.com (scheme, host and port only)");

/** Pure curation: a named predicate over tool addresses. Carries no policy (DESIGN §2). */
export const Toolkit = z.object({
  id: RecordId,
  scope: ScopeId,
  slug: Slug,
  title: z.string().max(256),
  description: z.string().max(4096).default(""),
  /** Explicitly selected addresses. */
  tools: z.array(ToolAddress).max(10_000).default([]),
  /** Address patterns; a tool is in the toolkit when selected or matched by any pattern. */
  patterns: z.array(ToolPattern).max(256).default([]),
  /**
   * Whether a credential bound to this toolkit may run code in the sandbox (`run_code`). The code can
   * still reach only the toolkit's tools; off by default, since code makes many calls per turn.
   */
  runCode: z.boolean().default(false),
  /** Browser origins allowed to call its routes (CORS); empty = none. Cookies are never accepted cross-origin. */
  allowedOrigins: z.array(WebOrigin).max(32).default([]),
  /** Requests per minute its routes accept, over every key (null = no toolkit-wide limit). */
  rateLimitPerMinute: z.number().int().min(1).max(100_000).nullable().default(null),
  /** Calls per day its routes accept (null = the scope's own daily quota only). */
  callsPerDay: z.number().int().min(1).max(10_000_000).nullable().default(null),
  /** The connection a route uses per source when the request names none and several reach the tool. */
  defaultConnections: z.record(Slug, Slug).default({}),
  /** The published version; 0 until an owner first promotes (pins) it. */
  version: z.number().int().nonnegative().default(0),
  /** True while its routes serve the promoted version: a refresh that changes a tool stops that route until promoted again. */
  pinned: z.boolean().default(false),
  createdAt: EpochMs,
  updatedAt: EpochMs,
});
export type Toolkit = z.infer<typeof Toolkit>;

export const ToolkitInput = Toolkit.pick({
  slug: true,
  title: true,
  description: true,
  tools: true,
  patterns: true,
  runCode: true,
  allowedOrigins: true,
  rateLimitPerMinute: true,
  callsPerDay: true,
  defaultConnections: true,
});
export type ToolkitInput = z.infer<typeof ToolkitInput>;

/**
 * A change to a toolkit: only the fields sent. Built without the defaults of ToolkitInput, since a
 * `.partial()` keeps defaults and would reset every field the change does not name.
 */
export const ToolkitPatch = z
  .object(
    Object.fromEntries(
      Object.entries(ToolkitInput.omit({ slug: true }).shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? field.unwrap() : field).optional()]),
    ) as unknown as { [K in Exclude<keyof ToolkitInput, "slug">]: z.ZodOptional<z.ZodType<ToolkitInput[K]>> },
  )
  .strict();
export type ToolkitPatch = z.infer<typeof ToolkitPatch>;

