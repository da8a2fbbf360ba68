/**
 * The one typed error of the core (STYLE: "one typed error per boundary"). Callers branch on `code`,
 * never on `message`: the message is a human sentence and may be reworded at any time.
 */
export type DomainErrorCode =
  /** A string is not `<source>.<scope>.<connection>.<tool>` (DESIGN §2). */
  | "invalid_address"
  /** A toolkit pattern is not four segments of allowed characters and `*`. */
  | "invalid_pattern"
  /** A policy's tool-name glob uses characters a tool name cannot contain. */
  | "invalid_glob"
  /** A scope chain is empty or repeats a scope id. */
  | "invalid_chain"
  /** The caller described one tool inconsistently (e.g. a connection the address does not name). */
  | "inconsistent_tool"
  /** A value has no RFC 8785 canonical JSON form (non-finite number, function, cycle, …). */
  | "not_canonicalizable"
  /** A schema pattern that only a backtracking regex engine could run (DESIGN invariant 10). */
  | "uncheckable_pattern"
  /** Checking arguments against a schema's patterns would exceed the bounded work per call (invariant 10). */
  | "pattern_work_limit";

export interface DomainErrorOptions {
  /** The failing field or segment, e.g. `connection` or `$.items[2]`. */
  readonly field?: string;
  /** Extra machine-readable context; never a secret (DESIGN invariant 1). */
  readonly detail?: string;
}

export class DomainError extends Error {
  override readonly name = "DomainError";
  readonly code: DomainErrorCode;
  readonly field: string | undefined;
  readonly detail: string | undefined;

  constructor(code: DomainErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(message);
    this.code = code;
    this.field = options.field;
    this.detail = options.detail;
  }
}

/** Narrowing helper for `catch (e: unknown)` blocks. */
export function isDomainError(value: unknown, code?: DomainErrorCode): value is DomainError {
  return value instanceof DomainError && (code === undefined || value.code === code);
}
