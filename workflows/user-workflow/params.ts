import type { JsonValue } from "../../schemas";

/** What starts a user workflow's instance: which workflow, and what fired it. */
export type UserWorkflowParams = {
  scope: string;
  name: string;
  trigger: { kind: "cron" | "webhook" | "manual"; payload: JsonValue; firedAt: string };
  /** The person who asked for a manual run (recorded on the workflow's Run), if any. */
  requestedBy?: string | null;
};
