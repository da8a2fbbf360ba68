import { createApp } from "./app";
import type { Env } from "./env";

export { AccountDirectory } from "../../durable-objects/account-directory";
export { RateLimiter } from "../../durable-objects/rate-limiter";
export { RunLedger } from "../../durable-objects/run-ledger";
export { ScopeCatalog } from "../../durable-objects/scope-catalog";
export { ApprovalWorkflow } from "../../workflows/approval-run";
export { HealthProbeWorkflow } from "../../workflows/health-probe";

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
