import type { AccountDirectory } from "../../durable-objects/account-directory";
import type { CredentialShard } from "../../durable-objects/credential-shard";
import type { LedgerAnchor } from "../../durable-objects/ledger-anchor";
import type { DevMailbox } from "../../durable-objects/dev-mailbox";
import type { RateLimiter } from "../../durable-objects/rate-limiter";
import type { RunLedger } from "../../durable-objects/run-ledger";
import type { ScopeCatalog } from "../../durable-objects/scope-catalog";
import type { DataStore } from "../../durable-objects/data-store";
import type { StoreRegistry } from "../../durable-objects/store-registry";
import type { WorkflowRegistry } from "../../durable-objects/workflow-registry";
import type { UserWorkflowParams } from "../../workflows/user-workflow/params";
import type { ApprovalParams, HealthProbeParams } from "../../schemas";
import type { ArtifactsNamespaceLike } from "../gateway/artifacts/cloud-store";

/** Every binding declared in wrangler.toml, as the Worker (gateway, invocation path, workflows) sees it. */
export interface Env {
  EXECUTOR_ENV: "development" | "production";
  PUBLIC_URL: string;
  AUTH_RATE_LIMITS: string;
  OAUTH_ACCESS_TOKEN_TTL: string;
  OAUTH_REFRESH_TOKEN_TTL: string;
  UPSTREAM_TIMEOUT_MS: string;
  /** MCP results longer than this (JSON characters) are returned as a handle to page through. */
  MCP_INLINE_RESULT_CHARS: string;
  SCOPE_CATALOG: DurableObjectNamespace<ScopeCatalog>;
  ACCOUNT_DIRECTORY: DurableObjectNamespace<AccountDirectory>;
  /** Sessions and API keys, one shard per hash of the user id (credential-shard/routing.ts). */
  CREDENTIAL_SHARD: DurableObjectNamespace<CredentialShard>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  RUN_LEDGER: DurableObjectNamespace<RunLedger>;
  /** Signed checkpoints of each org's run ledger, kept outside the ledger's storage (one per org). */
  LEDGER_ANCHOR: DurableObjectNamespace<LedgerAnchor>;
  /** base64 of 32 random bytes: the AES-256-GCM key of the secret vault (a Worker secret). */
  VAULT_KEY: string;
  HEALTH_PROBE: Workflow<HealthProbeParams>;
  APPROVAL_RUNS: Workflow<ApprovalParams>;
  /** User-defined workflows (issue 15): one instance per firing, driven by workflows/user-workflow. */
  USER_WORKFLOWS?: Workflow<UserWorkflowParams>;
  /** One per scope: its live workflows and their triggers. */
  WORKFLOW_REGISTRY: DurableObjectNamespace<WorkflowRegistry>;
  /** How long a gated Run waits for a decision before it expires (seconds; default 24 h). */
  APPROVAL_TIMEOUT_SECONDS: string;
  LOADER: WorkerLoader;
  /** Development only: the local outbox (workers/gateway/mail/outbox.ts). */
  DEV_MAILBOX: DurableObjectNamespace<DevMailbox>;
  /** Cloud only: Cloudflare Email Service (`[[send_email]]`), optional until configured. */
  EMAIL?: SendEmail;
  /** The sender of every email (e.g. `Executor <no-reply@example.com>`). */
  MAIL_FROM: string;
  /** Routed toolkit calls a scope may make per day (toolkit routes; default 100,000). */
  SCOPE_DAILY_CALLS: string;
  OAUTH_KV: KVNamespace;
  /** One object per named store (issue 15). */
  DATA_STORE: DurableObjectNamespace<DataStore>;
  /** One per scope: its stores' kinds, expiry and usage. */
  STORE_REGISTRY: DurableObjectNamespace<StoreRegistry>;
  /** What one scope's stores may hold together, and how many it may have. */
  STORE_QUOTA_BYTES: string;
  STORE_QUOTA_ROWS: string;
  STORE_QUOTA_STORES: string;
  /** Local only (npm start, vitest): the Node git backend of the artifact store (scripts/git-backend.mjs). */
  GIT?: Fetcher;
  /** Cloud only: Cloudflare Artifacts (`[[artifacts]]`), the artifact store's repositories; unused when `GIT` is present. */
  ARTIFACTS?: ArtifactsNamespaceLike;
}
