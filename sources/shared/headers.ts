// Shared by the source plugins (sources/*): one copy of the security-relevant helpers.
import { z } from "zod";

// RFC 9110 §5.1: a field name is a token; §5.5: a field value has no CR, LF or NUL.
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, "must be an HTTP header name (RFC 9110 token)");
const HeaderValue = z.string().max(4096).regex(/^[^\r\n\0]*$/, "must not contain CR, LF or NUL");

/**
 * Headers the transport owns, and headers that carry credentials. Config is stored and shown in plain
 * text, so a secret placed here would leak (DESIGN invariant 1): credentials belong in a connection.
 */
const RESERVED = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "host",
  "content-length",
  "content-type",
  "transfer-encoding",
  "connection",
  "accept",
  "mcp-session-id",
  "mcp-protocol-version",
]);

/** Non-secret static headers sent with every upstream request. */
export const StaticHeaders = z
  .record(HeaderName, HeaderValue)
  .refine((headers) => Object.keys(headers).length <= 32, "at most 32 headers")
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      if (RESERVED.has(name.toLowerCase())) {
        ctx.addIssue({ code: "custom", path: [name], message: "is reserved: credentials go in a connection, transport headers are set by the plugin" });
      }
    }
  });
