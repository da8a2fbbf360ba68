import type { AuthContext } from "../shared/auth-context";
import type { Env } from "../shared/env";

export type { Env } from "../shared/env";

/** The gateway's Hono environment: the Worker's bindings and what middleware sets per request. */
export type AppEnv = { Bindings: Env; Variables: { correlationId: string; auth: AuthContext; startedAt: number } };
