import type { ScopeCatalog } from "../../durable-objects/scope-catalog";
import type { HealthProbeParams } from "../../workflows/health-probe";

/** Every binding declared in wrangler.toml, as the gateway sees it. */
export interface Env {
  EXECUTOR_ENV: "development" | "production";
  SCOPE_CATALOG: DurableObjectNamespace<ScopeCatalog>;
  HEALTH_PROBE: Workflow<HealthProbeParams>;
  LOADER: WorkerLoader;
  OAUTH_KV: KVNamespace;
}

export type AppEnv = { Bindings: Env; Variables: { correlationId: string } };
