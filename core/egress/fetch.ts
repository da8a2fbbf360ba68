import { EgressError } from "./errors";
import { checkEgress } from "./guard";
import type { EgressPolicy } from "./guard";

export interface GuardedFetchOptions {
  /** Redirect hops followed before giving up with `too_many_redirects`. Default 5. */
  readonly maxRedirects?: number;
  /** Budget for the whole exchange, every hop and the final body included. Default 30 000 ms. */
  readonly timeoutMs?: number;
}

export type GuardedFetch = (url: string, init?: RequestInit) => Promise<Response>;

const DEFAULT_MAX_REDIRECTS = 5;
const DEFAULT_TIMEOUT_MS = 30_000;

/** Fetch spec §4.4 "redirect status". */
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/**
 * Fetch spec §4.4 step 13 drops `Authorization` on a cross-origin hop. Credentials also travel in
 * cookies, proxy credentials and custom headers (an OpenAPI apiKey in `X-API-Key`), so a cross-origin
 * hop keeps only these content-negotiation headers and drops everything else (DESIGN invariant 1).
 */
const CROSS_ORIGIN_SAFE_HEADERS: ReadonlySet<string> = new Set([
  "accept",
  "accept-language",
  "content-language",
  "content-type",
  "content-length",
  "user-agent",
]);
/** Fetch spec "request-body-header name": removed when a redirect turns the request into a GET. */
const BODY_HEADERS: readonly string[] = [
  "content-encoding",
  "content-language",
  "content-location",
  "content-type",
  "content-length",
];

interface Hop {
  url: URL;
  method: string;
  body: BodyInit | null;
  readonly headers: Headers;
}

/** Runs the guard and turns a refusal into the typed error. */
function allowedUrl(url: string, policy: EgressPolicy): URL {
  const decision = checkEgress(url, policy);
  if (!decision.allowed) throw new EgressError(decision.code, `egress refused: ${decision.reason}`);
  return decision.url;
}

/**
 * Fetch spec §4.4 steps 11–12: 301/302 turn POST into GET, 303 turns anything but GET/HEAD into GET, each
 * without a body; 307/308 keep method and body, which must then be sent again.
 */
function rewriteForRedirect(hop: Hop, status: number): void {
  const method = hop.method.toUpperCase();
  const toGet =
    ((status === 301 || status === 302) && method === "POST") ||
    (status === 303 && method !== "GET" && method !== "HEAD");
  if (toGet) {
    hop.method = "GET";
    hop.body = null;
    for (const name of BODY_HEADERS) hop.headers.delete(name);
    return;
  }
  if (hop.body instanceof ReadableStream) {
    throw new EgressError("unreplayable_body", `a ${status} redirect must resend a streamed body, already consumed`);
  }
}

/**
 * Wraps `fetchImpl` (the runtime's `fetch`, or a test double) so that every URL it is asked to reach,
 * including each redirect target, first passes `checkEgress` (DESIGN §6 invariant 4). Redirects are
 * followed here with `redirect: "manual"` rather than by the runtime, because a runtime-followed redirect
 * would connect to the next hop before anyone could check it.
 *
 * The returned response is the last hop's; its `redirected` flag is false because each hop was a separate
 * fetch. A timeout before the response arrives rejects with `EgressError("timeout")`; one while the caller
 * reads the body surfaces from the body stream as the runtime's `TimeoutError`. An abort through the
 * caller's own `init.signal` is passed through untouched.
 */
export function guardedFetch(
  fetchImpl: typeof fetch,
  policy: EgressPolicy,
  opts: GuardedFetchOptions = {},
): GuardedFetch {
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return async (url: string, init: RequestInit = {}): Promise<Response> => {
    const hop: Hop = {
      url: allowedUrl(url, policy),
      method: init.method ?? "GET",
      body: init.body ?? null,
      headers: new Headers(init.headers),
    };
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;

    for (let redirects = 0; ; redirects++) {
      let response: Response;
      try {
        response = await fetchImpl(hop.url.href, {
          ...init,
          method: hop.method,
          headers: hop.headers,
          body: hop.body,
          redirect: "manual",
          signal,
        });
      } catch (error) {
        if (timeout.aborted && !init.signal?.aborted) {
          throw new EgressError("timeout", `no response from ${hop.url.host} within ${timeoutMs} ms`, { cause: error });
        }
        throw error;
      }

      const location = response.headers.get("location");
      if (!REDIRECT_STATUSES.has(response.status) || location === null || init.redirect === "manual") return response;
      // The hop's body is never read; release the connection.
      await response.body?.cancel().catch(() => undefined);

      if (init.redirect === "error") {
        throw new EgressError("redirect_not_allowed", `${hop.url.host} redirected and the caller forbade redirects`);
      }
      if (redirects >= maxRedirects) {
        throw new EgressError("too_many_redirects", `more than ${maxRedirects} redirects, last from ${hop.url.host}`);
      }
      let next: string;
      try {
        // Fetch spec §4.4 step 3: Location is resolved against the current URL.
        next = new URL(location, hop.url).href;
      } catch (error) {
        throw new EgressError("invalid_url", `${hop.url.host} sent an unparseable Location`, { cause: error });
      }
      const nextUrl = allowedUrl(next, policy);
      if (nextUrl.origin !== hop.url.origin) {
        for (const name of [...hop.headers.keys()]) if (!CROSS_ORIGIN_SAFE_HEADERS.has(name)) hop.headers.delete(name);
      }
      rewriteForRedirect(hop, response.status);
      hop.url = nextUrl;
    }
  };
}
