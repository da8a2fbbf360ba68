import ipaddr from "ipaddr.js";

/**
 * How the guard sees one IP literal. `detail` is a short human phrase naming the range (never part of a
 * decision: callers branch on `kind`).
 */
export type AddressClass =
  | { readonly kind: "public" }
  | { readonly kind: "loopback"; readonly detail: string }
  | { readonly kind: "private"; readonly detail: string }
  | { readonly kind: "reserved"; readonly detail: string };

/**
 * ipaddr.js range names that mean "reachable only inside a site or a link": RFC 1918 `private`, RFC 3927 /
 * RFC 4291 `linkLocal` (169.254.169.254 is the cloud metadata endpoint), RFC 6598 `carrierGradeNat`,
 * RFC 4193 `uniqueLocal`, and ipaddr.js 2.x's RFC 3879 `deprecatedSiteLocal`. Every other non-`unicast`
 * name (unspecified, broadcast, multicast, reserved, benchmarking, discard, …) is `reserved`.
 */
const PRIVATE_RANGE_NAMES: ReadonlySet<string> = new Set([
  "private",
  "linkLocal",
  "carrierGradeNat",
  "uniqueLocal",
  "deprecatedSiteLocal",
]);

/**
 * The few non-public blocks that ipaddr.js 1.x reports as `unicast` (2.x knows them; a match here is then
 * redundant, never wrong). Not a range table of our own: ipaddr.js stays the classifier, these only close
 * its gaps, each with its registry entry.
 */
const NOT_PUBLIC_V4: readonly (readonly [ipaddr.IPv4, number])[] = [
  ipaddr.IPv4.parseCIDR("198.18.0.0/15"), // RFC 2544 benchmarking
];
/** RFC 4291 §2.4 / IANA: only 2000::/3 is allocated as global unicast; everything else is not public. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");
/** RFC 6052 §2.1 well-known NAT64 prefix: the IPv4 address is the last 32 bits. */
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR("64:ff9b::/96");
const NOT_PUBLIC_V6: readonly (readonly [ipaddr.IPv6, number])[] = [
  ipaddr.IPv6.parseCIDR("2001::/23"), // RFC 2928 IETF protocol assignments (Teredo, benchmarking, ORCHID)
  ipaddr.IPv6.parseCIDR("3fff::/20"), // RFC 9637 documentation
];

export function classifyIPv4(addr: ipaddr.IPv4): AddressClass {
  // Widened to string: ipaddr.js 2.x returns names (benchmarking, as112, amt) that 1.x's type lacks.
  const range: string = addr.range();
  const text = addr.toString();
  if (range === "loopback") return { kind: "loopback", detail: `${text} is loopback (RFC 1122 §3.2.1.3)` };
  if (PRIVATE_RANGE_NAMES.has(range)) return { kind: "private", detail: `${text} is in the ${range} range` };
  if (range !== "unicast") return { kind: "reserved", detail: `${text} is in the ${range} range` };
  if (NOT_PUBLIC_V4.some(([net, bits]) => addr.match(net, bits))) {
    return { kind: "reserved", detail: `${text} is reserved for benchmarking` };
  }
  return { kind: "public" };
}

function v4FromParts(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * The IPv4 address a transition mechanism would carry this IPv6 address to, if any: IPv4-compatible
 * `::a.b.c.d` (RFC 4291 §2.5.5.1, deprecated), SIIT `::ffff:0:a.b.c.d` (RFC 6145), NAT64 `64:ff9b::/96`
 * (RFC 6052), 6to4 `2002:AABB:CCDD::/48` (RFC 3056) and Teredo's obfuscated client (RFC 4380 §4).
 */
function embeddedIPv4(addr: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const p = addr.parts;
  const at = (i: number): number => p[i] ?? 0;
  if (range === "rfc6145" || (range === "rfc6052" && addr.match(NAT64_WELL_KNOWN[0], NAT64_WELL_KNOWN[1]))) {
    return v4FromParts(at(6), at(7));
  }
  if (range === "6to4") return v4FromParts(at(1), at(2));
  if (range === "teredo") return v4FromParts(at(6) ^ 0xffff, at(7) ^ 0xffff);
  if (range === "unicast" && p.slice(0, 6).every((part) => part === 0)) return v4FromParts(at(6), at(7));
  return null;
}

export function classifyIPv6(addr: ipaddr.IPv6): AddressClass {
  // RFC 4291 §2.5.5.2: an IPv4-mapped address *is* the IPv4 address on a dual-stack socket.
  if (addr.isIPv4MappedAddress()) return classifyIPv4(addr.toIPv4Address());
  const range: string = addr.range();
  const text = addr.toString();
  if (range === "loopback") return { kind: "loopback", detail: `${text} is loopback (RFC 4291 §2.5.3)` };

  // Tunnelled or translated forms are never loopback (a translator sits in between) and never needed to
  // reach a public API, so they are refused; the code says what they would reach.
  const embedded = embeddedIPv4(addr, range);
  if (embedded !== null) {
    const inner = classifyIPv4(embedded);
    const detail = `${text} embeds IPv4 ${embedded.toString()} (${range === "unicast" ? "IPv4-compatible" : range})`;
    return inner.kind === "private" ? { kind: "private", detail } : { kind: "reserved", detail };
  }

  if (PRIVATE_RANGE_NAMES.has(range)) return { kind: "private", detail: `${text} is in the ${range} range` };
  if (range !== "unicast") return { kind: "reserved", detail: `${text} is in the ${range} range` };
  const [global, globalBits] = GLOBAL_UNICAST_V6;
  if (!addr.match(global, globalBits) || NOT_PUBLIC_V6.some(([net, bits]) => addr.match(net, bits))) {
    return { kind: "reserved", detail: `${text} is outside the public unicast space` };
  }
  return { kind: "public" };
}

/**
 * Classifies a WHATWG-serialized host if it is an IP literal (`[v6]` or canonical dotted IPv4), else
 * returns null. WHATWG URL parsing has already turned every numeric IPv4 spelling (decimal, octal, hex,
 * short forms, percent- and full-width-encoded digits) into dotted decimal, so the strict four-part check
 * is exact: a host that is not four decimal parts is a name. A bracketed host is always classified.
 */
export function classifyIpLiteral(hostname: string): AddressClass | null {
  if (hostname.startsWith("[") && hostname.endsWith("]")) {
    const inner = hostname.slice(1, -1);
    if (ipaddr.IPv6.isValid(inner)) return classifyIPv6(ipaddr.IPv6.parse(inner));
    // Unreachable for WHATWG output; refuse rather than let a bracketed host be treated as a name.
    return { kind: "reserved", detail: `${hostname} is not an IPv6 address ipaddr.js can classify` };
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(hostname)) return classifyIPv4(ipaddr.IPv4.parse(hostname));
  return null;
}
