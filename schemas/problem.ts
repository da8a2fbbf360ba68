import { z } from "zod";

/** RFC 9457 problem details, as every HTTP error of the gateway answers (`application/problem+json`). */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
  /** Ties the answer to the server-side log line; present on 500s. */
  correlationId: z.string().optional(),
  /** For 422: each failing field by its JSON path. */
  errors: z.array(z.object({ path: z.string(), message: z.string(), line: z.number().int().optional(), column: z.number().int().optional() })).optional(),
  /** The Run recorded for a refused or failed tool call. */
  runId: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;
