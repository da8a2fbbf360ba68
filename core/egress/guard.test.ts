import { describe, it, expect } from "vitest";
import { checkEgress } from "./guard";
import type { EgressPolicy, EgressRefusal } from "./guard";

const PROD: EgressPolicy = { allowLoopbackHttp: false };
const DEV: EgressPolicy = { allowLoopbackHttp: true };

/** Every spelling of loopback a URL can carry. */
const LOOPBACK_FORMS: readonly string[] = [
  "http://127.0.0.1/",
  "http://127.1/",
  "http://2130706433/",
  "http://0x7f000001/",
  "http://0177.0.0.1/",
  "http://0x7f.0.0.1/",
  "http://0x7f.1/",
  "http://127.0.0.1./",
  "http://127.255.255.254/",
  "http://%31%32%37.0.0.1/",
  "http://１２７.０.０.１/",
  "http://[::1]/",
  "http://[0:0:0:0:0:0:0:1]/",
  "http://[::ffff:127.0.0.1]/",
  "http://[::ffff:7f00:1]/",
  "http://localhost/",
  "http://LOCALHOST./",
  "http://foo.localhost/",
  "http://ⓛocalhost/",
];

/** The SSRF corpus: each URL and the code it must be refused with, whatever the dev flag says. */
const REFUSED: readonly (readonly [string, EgressRefusal])[] = [
  // Link-local and cloud metadata.
  ["https://169.254.169.254/latest/meta-data", "private_address"],
  ["https://[fe80::1]/", "private_address"],
  ["https://metadata.google.internal/computeMetadata/v1/", "local_name"],
  ["https://[::ffff:169.254.169.254]/", "private_address"],
  ["https://2852039166/", "private_address"],
  // Private ranges.
  ["https://10.0.0.1/", "private_address"],
  ["https://012.0.0.1/", "private_address"],
  ["https://172.16.0.1/", "private_address"],
  ["https://172.31.255.255/", "private_address"],
  ["https://192.168.1.1/", "private_address"],
  ["https://0xc0a80101/", "private_address"],
  ["https://100.64.0.1/", "private_address"],
  ["https://[fc00::1]/", "private_address"],
  ["https://[fd12:3456::1]/", "private_address"],
  ["https://[::ffff:10.0.0.1]/", "private_address"],
  ["http://10.0.0.1/", "private_address"],
  // Unspecified, broadcast, multicast, documentation, benchmarking, reserved.
  ["https://0.0.0.0/", "reserved_address"],
  ["https://0/", "reserved_address"],
  ["https://0.1.2.3/", "reserved_address"],
  ["https://[::]/", "reserved_address"],
  ["https://255.255.255.255/", "reserved_address"],
  ["https://224.0.0.1/", "reserved_address"],
  ["https://[ff02::1]/", "reserved_address"],
  ["https://192.0.2.1/", "reserved_address"],
  ["https://198.51.100.7/", "reserved_address"],
  ["https://203.0.113.9/", "reserved_address"],
  ["https://198.18.0.1/", "reserved_address"],
  ["https://240.0.0.1/", "reserved_address"],
  ["https://[2001:db8::1]/", "reserved_address"],
  ["https://[3fff::1]/", "reserved_address"],
  ["https://[2001:2::1]/", "reserved_address"],
  ["https://[fec0::1]/", "private_address"], // RFC 3879 site-local: ipaddr.js 2.x names it deprecatedSiteLocal
  ["https://[100::1]/", "reserved_address"],
  // IPv6 forms that embed an IPv4 address: NAT64, 6to4, Teredo, SIIT, IPv4-compatible.
  ["https://[64:ff9b::10.0.0.1]/", "private_address"],
  ["https://[64:ff9b::a9fe:a9fe]/", "private_address"],
  ["https://[64:ff9b::127.0.0.1]/", "reserved_address"],
  ["https://[64:ff9b::93.184.215.14]/", "reserved_address"],
  ["https://[2002:c0a8:101::1]/", "private_address"],
  ["https://[2002:7f00:1::]/", "reserved_address"],
  ["https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/", "private_address"],
  ["https://[::ffff:0:10.0.0.1]/", "private_address"],
  ["https://[::10.0.0.1]/", "private_address"],
  ["https://[::127.0.0.1]/", "reserved_address"],
  // Local names.
  ["https://intranet-wiki/", "local_name"],
  ["https://printer.local/", "local_name"],
  ["https://db.internal/", "local_name"],
  ["https://nas.home.arpa/", "local_name"],
  ["https://router.lan/", "local_name"],
  ["https://box.localdomain/", "local_name"],
  ["https://x.onion/", "local_name"],
  ["https://service.test/", "local_name"],
  // Schemes.
  ["http://api.github.com/", "scheme_not_allowed"],
  ["http://93.184.215.14/", "scheme_not_allowed"],
  ["file:///etc/passwd", "scheme_not_allowed"],
  ["ftp://example.com/", "scheme_not_allowed"],
  ["gopher://example.com:70/_", "scheme_not_allowed"],
  ["data:text/plain,hello", "scheme_not_allowed"],
  ["javascript:alert(1)", "scheme_not_allowed"],
  ["ws://example.com/", "scheme_not_allowed"],
  ["wss://example.com/", "scheme_not_allowed"],
  // Userinfo.
  ["https://user:pass@example.com/", "credentials_in_url"],
  ["https://user@example.com/", "credentials_in_url"],
  ["https://:pass@example.com/", "credentials_in_url"],
  ["https://api.github.com@127.0.0.1/", "credentials_in_url"],
  // Privileged non-web ports.
  ["https://example.com:22/", "port_not_allowed"],
  ["https://example.com:25/", "port_not_allowed"],
  ["https://example.com:0/", "port_not_allowed"],
  // Not URLs, or hosts WHATWG rejects or leaves malformed.
  ["/relative/path", "invalid_url"],
  ["https://", "invalid_url"],
  ["https://[fe80::1%25eth0]/", "invalid_url"],
  ["https://1.2.3.4.5/", "invalid_url"],
  ["https://4294967296/", "invalid_url"],
  ["https://a..example.com/", "invalid_url"],
];

/** Public destinations: allowed, never connected to (the guard is pure). */
const ALLOWED: readonly string[] = [
  "https://api.github.com/repos",
  "https://API.GitHub.com./",
  "https://93.184.215.14/",
  "https://[2606:4700::1111]/",
  "https://[::ffff:93.184.215.14]/",
  "https://example.com:443/",
  "https://example.com:80/",
  "https://example.com:8443/",
  "https://xn--nxasmq6b.com/",
  "https://@example.com/",
];

describe("checkEgress", () => {
  it.each(LOOPBACK_FORMS)("refuses loopback %s while local development is off", (url) => {
    expect(checkEgress(url, PROD)).toMatchObject({ allowed: false, code: "loopback_not_allowed" });
    const https = url.replace(/^http:/, "https:");
    expect(checkEgress(https, PROD)).toMatchObject({ allowed: false, code: "loopback_not_allowed" });
  });

  it.each(LOOPBACK_FORMS)("allows loopback %s over http and https under allowLoopbackHttp", (url) => {
    expect(checkEgress(url, DEV)).toMatchObject({ allowed: true, loopback: true });
    expect(checkEgress(url.replace(/^http:/, "https:"), DEV)).toMatchObject({ allowed: true, loopback: true });
  });

  it.each(REFUSED)("refuses %s with %s in production and in development", (url, code) => {
    expect(checkEgress(url, PROD)).toMatchObject({ allowed: false, code });
    expect(checkEgress(url, DEV)).toMatchObject({ allowed: false, code });
  });

  it.each(ALLOWED)("allows the public destination %s", (url) => {
    expect(checkEgress(url, PROD)).toMatchObject({ allowed: true, loopback: false });
  });

  it.each([
    ["http://2130706433/", "127.0.0.1"],
    ["http://0177.0.0.1/", "127.0.0.1"],
    ["http://0x7f.1/", "127.0.0.1"],
    ["http://127.1/", "127.0.0.1"],
    ["http://0x7f000001/", "127.0.0.1"],
    ["http://%31%32%37.0.0.1/", "127.0.0.1"],
    ["http://[::ffff:127.0.0.1]/", "[::ffff:7f00:1]"],
    ["http://[0:0:0:0:0:0:0:1]/", "[::1]"],
  ])("relies on WHATWG URL to normalise %s to %s before classifying", (url, host) => {
    expect(new URL(url).hostname).toBe(host);
    const decision = checkEgress(url, DEV);
    expect(decision.allowed && decision.url.hostname).toBe(host);
  });

  it("allows any port on loopback in development but only web or unprivileged ports elsewhere", () => {
    expect(checkEgress("http://127.0.0.1:22/", DEV)).toMatchObject({ allowed: true, loopback: true });
    expect(checkEgress("https://example.com:1024/", PROD)).toMatchObject({ allowed: true });
    expect(checkEgress("https://example.com:1023/", PROD)).toMatchObject({ allowed: false, code: "port_not_allowed" });
  });

  it("keeps the path and query out of the refusal reason", () => {
    const decision = checkEgress("https://10.0.0.1/private?token=s3cret", PROD);
    expect(decision.allowed).toBe(false);
    expect(JSON.stringify(decision)).not.toContain("s3cret");
    const creds = checkEgress("https://alice:hunter2@example.com/", PROD);
    expect(JSON.stringify(creds)).not.toContain("hunter2");
  });

  it("returns the parsed URL of an allowed destination", () => {
    const decision = checkEgress("https://API.github.com/a/../b?q=1", PROD);
    expect(decision.allowed && decision.url.href).toBe("https://api.github.com/b?q=1");
  });
});
