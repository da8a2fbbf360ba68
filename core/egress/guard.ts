import { classifyIpLiteral } from "./ip";

/**
 * The egress guard (DESIGN §6 invariant 4): every upstream URL is checked here before a connection is
 * made, and again for every redirect hop (see `fetch.ts`).
 *
 * It is a pure function of the URL: it does no DNS. A public-looking name that resolves to a private
 * address (DNS rebinding, `*.nip.io`, a hostile record) is stopped at connect time by the runtime, after
 * resolution: on Cloudflare Workers the `global_fetch_strictly_public` compatibility flag makes `fetch`
 * refuse private and reserved destinations. This guard refuses everything that is decidable from the
 * URL alone, so the runtime check is a second wall rather than the only one.
 */

export type EgressRefusal =
  /** Not an absolute WHATWG URL, or a host with an empty label. */
  | "invalid_url"
  /** Anything but `https:`; `http:` only to loopback under `allowLoopbackHttp`. */
  | "scheme_not_allowed"
  /** `user:pass@` in the URL: credentials travel in headers resolved from the vault, never in URLs. */
  | "credentials_in_url"
  /** RFC 1918, RFC 6598 CGNAT, link-local (incl. cloud metadata), unique-local, or an embedding of one. */
  | "private_address"
  /** Unspecified, broadcast, multicast, documentation, benchmarking, transition forms, … */
  | "reserved_address"
  /** 127/8, ::1 or a `localhost` name while the local dev flag is off. */
  | "loopback_not_allowed"
  /** Single-label names and special-use / private-use suffixes (`.local`, `.internal`, …). */
  | "local_name"
  /** A privileged port other than 80 and 443. */
  | "port_not_allowed";

export interface EgressPolicy {
  /** True only for sources explicitly marked local in development: loopback, with http or https. */
  readonly allowLoopbackHttp: boolean;
}

export type EgressDecision =
  | { readonly allowed: true; readonly url: URL; readonly loopback: boolean }
  | { readonly allowed: false; readonly code: EgressRefusal; readonly reason: string };

type HostClass =
  | { readonly kind: "public" }
  | { readonly kind: "loopback" }
  | { readonly kind: "refused"; readonly code: EgressRefusal; readonly reason: string };

/**
 * Suffixes that never name a public host: RFC 6762 `.local` (mDNS) and its Appendix G private-use list,
 * RFC 8375 `home.arpa`, ICANN's private-use `.internal` (which covers `metadata.google.internal`), RFC 6761
 * §6.2/§6.4 `.test`/`.invalid`, RFC 7686 `.onion`, RFC 9476 `.alt`, and the common `localdomain`.
 */
const LOCAL_SUFFIXES: readonly string[] = [
  "local",
  "internal",
  "home.arpa",
  "localdomain",
  "lan",
  "intranet",
  "private",
  "corp",
  "home",
  "test",
  "invalid",
  "onion",
  "alt",
];

/** Ports below 1024 are privileged services (SSH 22, SMTP 25, …); APIs live on 443, 80, or ≥ 1024. */
const PRIVILEGED_PORT_LIMIT = 1024;
const WEB_PORTS: ReadonlySet<number> = new Set([80, 443]);

function refuse(code: EgressRefusal, reason: string): EgressDecision {
  return { allowed: false, code, reason };
}

function classifyName(hostname: string): HostClass {
  // One trailing dot is the DNS root (`localhost.` is `localhost`); any other empty label is malformed.
  const name = hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
  if (name === "" || name.split(".").some((label) => label === "")) {
    return { kind: "refused", code: "invalid_url", reason: `host "${hostname}" has an empty label` };
  }
  // RFC 6761 §6.3: `localhost` and every name under it resolve to loopback.
  if (name === "localhost" || name.endsWith(".localhost")) return { kind: "loopback" };
  // A single label is resolved through search domains or LLMNR: always a local machine.
  if (!name.includes(".")) {
    return { kind: "refused", code: "local_name", reason: `host "${name}" is a single-label name` };
  }
  const suffix = LOCAL_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
  if (suffix !== undefined) {
    return { kind: "refused", code: "local_name", reason: `host "${name}" is under the non-public ".${suffix}"` };
  }
  return { kind: "public" };
}

function classifyHost(hostname: string): HostClass {
  const ip = classifyIpLiteral(hostname);
  if (ip === null) return classifyName(hostname);
  switch (ip.kind) {
    case "public":
      return { kind: "public" };
    case "loopback":
      return { kind: "loopback" };
    case "private":
      return { kind: "refused", code: "private_address", reason: ip.detail };
    case "reserved":
      return { kind: "refused", code: "reserved_address", reason: ip.detail };
  }
}

function portAllowed(port: string): boolean {
  // WHATWG URL leaves `port` empty when it is the scheme's default (443 / 80).
  if (port === "") return true;
  const n = Number(port);
  return WEB_PORTS.has(n) || n >= PRIVILEGED_PORT_LIMIT;
}

/**
 * Decides whether `url` may be fetched. Parsing is WHATWG `new URL`, the same parser `fetch` uses, so the
 * guard sees exactly the host the runtime will connect to: decimal, octal, hex and short IPv4 forms
 * (`2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`) arrive here already as `127.0.0.1`.
 * Reasons name the host only, never the path or query, which may carry secrets (invariant 1).
 */
export function checkEgress(url: string, policy: EgressPolicy): EgressDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse("invalid_url", "not an absolute URL");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return refuse("scheme_not_allowed", `scheme "${parsed.protocol}" is not allowed; upstreams use https:`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return refuse("credentials_in_url", "the URL carries userinfo (user:password@)");
  }

  const host = classifyHost(parsed.hostname);
  if (host.kind === "refused") return refuse(host.code, host.reason);
  const loopback = host.kind === "loopback";
  if (loopback && !policy.allowLoopbackHttp) {
    return refuse("loopback_not_allowed", `host "${parsed.hostname}" is loopback and local development is off`);
  }
  if (parsed.protocol === "http:" && !loopback) {
    return refuse("scheme_not_allowed", `plain http to "${parsed.hostname}" is not allowed; upstreams use https:`);
  }
  // A local dev upstream may listen anywhere; a real upstream only on a web port or an unprivileged one.
  if (!loopback && !portAllowed(parsed.port)) {
    return refuse("port_not_allowed", `port ${parsed.port} is a privileged non-web port`);
  }
  return { allowed: true, url: parsed, loopback };
}
