import { guardedFetch, isEgressError } from "../../core/egress";
import type { EgressError, GuardedFetch } from "../../core/egress";
import type { Source } from "../../schemas";
import type { Env } from "../shared/env";
import { runtimeFetch } from "../shared/global-fetch";

/** How long one upstream call may take (UPSTREAM_TIMEOUT_MS, 1 s to 5 min; default 30 s). */
export function upstreamTimeout(env: Env): number {
  const ms = Number(env.UPSTREAM_TIMEOUT_MS);
  return Number.isInteger(ms) && ms >= 1_000 && ms <= 300_000 ? ms : 30_000;
}

/** Loopback http is allowed only in development and only for sources explicitly marked local. */
export function allowsLoopback(env: Env, source: Pick<Source, "local">): boolean {
  return env.EXECUTOR_ENV === "development" && source.local;
}

export type Egress = { fetch: GuardedFetch; refusal: () => EgressError | undefined };

/**
 * The one guarded fetch every plugin gets (DESIGN invariant 4). It remembers a refusal, so the
 * platform reports "refused by the egress guard" however a plugin chose to map the failure.
 */
export function egressFor(env: Env, source: Pick<Source, "local">): Egress {
  const guarded = guardedFetch(runtimeFetch, { allowLoopbackHttp: allowsLoopback(env, source) }, { timeoutMs: upstreamTimeout(env) });
  let refused: EgressError | undefined;
  return {
    fetch: async (url, init) => {
      try {
        return await guarded(url, init);
      } catch (error) {
        if (isEgressError(error) && error.code !== "timeout") refused ??= error;
        throw error;
      }
    },
    refusal: () => refused,
  };
}
