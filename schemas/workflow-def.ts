import { z } from "zod";
import { JsonValue } from "./common";

/** A workflow's name: its file name under `executor/workflows/` and its address segment. */
export const WorkflowName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be 1-63 chars of a-z, 0-9 and '-', starting with a letter or digit");

const StepId = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "must be 1-40 chars of a-z, 0-9 and '_', starting with a letter");

/**
 * One step: a catalog tool call (`tool` is its address; `args` may refer to earlier steps' outputs
 * and the trigger with `${…}`, see docs/workflows.md) or a code step (`code`, an async function body
 * run in the code-mode sandbox, with `steps`, `trigger` and `tools` in scope).
 */
export const WorkflowStep = z.union([
  z.object({ id: StepId, tool: z.string().min(3).max(600), args: z.record(z.string(), JsonValue).default({}) }).strict(),
  z.object({ id: StepId, code: z.string().min(1).max(100_000), timeoutMs: z.number().int().min(100).max(60_000).default(30_000) }).strict(),
]);
export type WorkflowStep = z.infer<typeof WorkflowStep>;

export const WorkflowTrigger = z
  .object({
    /** Five-field cron (minute hour day month weekday), evaluated in `timezone` (default UTC). */
    cron: z.string().min(9).max(120).optional(),
    timezone: z.string().min(1).max(64).default("UTC"),
    /** A signed webhook endpoint: POST /hooks/workflows/<scope>/<name>. */
    webhook: z.boolean().default(false),
  })
  .strict();

/** A store the workflow writes to, created at deploy if it does not exist yet. */
export const WorkflowStore = z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/), kind: z.enum(["kv", "sqlite"]) }).strict();

export const WorkflowDefinition = z
  .object({
    description: z.string().max(2_000).default(""),
    triggers: WorkflowTrigger.default({ timezone: "UTC", webhook: false }),
    stores: z.array(WorkflowStore).max(10).default([]),
    steps: z.array(WorkflowStep).min(1).max(50),
  })
  .strict();
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;
