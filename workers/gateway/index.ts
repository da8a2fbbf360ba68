import { createApp } from "./app";
import type { Env } from "./env";
import { installGlobalEgressGuard } from "../shared/global-fetch";

// Before anything can fetch: every library's outbound request goes through the egress guard.
installGlobalEgressGuard();

export { AccountDirectory } from "../../durable-objects/account-directory";
export { CredentialShard } from "../../durable-objects/credential-shard";
export { LedgerAnchor } from "../../durable-objects/ledger-anchor";
export { DevMailbox } from "../../durable-objects/dev-mailbox";
export { RateLimiter } from "../../durable-objects/rate-limiter";
export { RunLedger } from "../../durable-objects/run-ledger";
export { ScopeCatalog } from "../../durable-objects/scope-catalog";
export { DataStore } from "../../durable-objects/data-store";
export { StoreRegistry } from "../../durable-objects/store-registry";
export { WorkflowRegistry } from "../../durable-objects/workflow-registry";
export { ApprovalWorkflow } from "../../workflows/approval-run";
export { HealthProbeWorkflow } from "../../workflows/health-probe";
export { UserWorkflow } from "../../workflows/user-workflow";
// The sandbox's one way out (DESIGN §7): a loopback entrypoint, made per code run with its props.
export { ToolProxy } from "../tool-proxy";
// Stores ask it whether a subscriber may still read (issue 15).
export { StoreAccess } from "./stores/access";

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
