import type { EgressRefusal } from "./guard";

/**
 * Why a guarded fetch did not produce a response. The refusal codes come from `checkEgress` (for the first
 * URL or any redirect hop); the rest are properties of the exchange itself.
 */
export type EgressErrorCode =
  | EgressRefusal
  /** More redirects than `maxRedirects` (fetch spec §4.4 caps at 20; we cap lower). */
  | "too_many_redirects"
  /** The caller asked for `redirect: "error"` and the upstream redirected. */
  | "redirect_not_allowed"
  /** A 307/308 must resend the body (fetch spec §4.4 step 12), but the body was a one-shot stream. */
  | "unreplayable_body"
  /** `timeoutMs` elapsed before the exchange finished. */
  | "timeout";

/**
 * The egress boundary's one typed error (STYLE: "one typed error per boundary"). Callers branch on `code`,
 * never on `message`. Messages name hosts only, never paths, queries or headers (DESIGN invariant 1).
 */
export class EgressError extends Error {
  override readonly name = "EgressError";
  readonly code: EgressErrorCode;

  constructor(code: EgressErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Narrowing helper for `catch (e: unknown)` blocks. */
export function isEgressError(value: unknown, code?: EgressErrorCode): value is EgressError {
  return value instanceof EgressError && (code === undefined || value.code === code);
}
