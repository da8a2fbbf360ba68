import { guardedFetch } from "../../core/egress";

/**
 * The runtime's own `fetch`, captured before the guard below replaces the global. Only the
 * platform's egress (invoke/egress.ts) uses it, always wrapped in a guard with its own policy.
 */
export const runtimeFetch: typeof fetch = globalThis.fetch.bind(globalThis);

/** Libraries' outbound requests (OAuth client metadata documents, JWKS) get this long in all. */
const LIBRARY_TIMEOUT_MS = 10_000;

let installed = false;

/**
 * DESIGN invariant 4: all upstream traffic goes through one egress guard, libraries' included.
 * `@cloudflare/workers-oauth-provider` fetches Client ID Metadata Documents (and JWKS URIs) with the
 * global `fetch`, before anyone signs in; local workerd does not enforce
 * `global_fetch_strictly_public` (DESIGN §9), so that reached loopback. Replacing the global once,
 * at module load, means any code path that reaches for `fetch` gets the strict policy (https only,
 * no loopback or private ranges, every redirect re-checked) and cannot bypass it by accident.
 */
export function installGlobalEgressGuard(): void {
  if (installed) return;
  installed = true;
  const guarded = guardedFetch(runtimeFetch, { allowLoopbackHttp: false }, { timeoutMs: LIBRARY_TIMEOUT_MS });
  const strict = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (input instanceof Request) {
      const { method, headers, body, signal, redirect } = input;
      return guarded(input.url, { method, headers, body, signal, redirect, ...init });
    }
    return guarded(input instanceof URL ? input.href : String(input), init);
  };
  globalThis.fetch = strict as typeof fetch;
}
