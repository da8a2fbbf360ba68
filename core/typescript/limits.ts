/**
 * Bounds on generated declarations (DESIGN invariant 10: untrusted input never drives unbounded
 * work). A tool's schemas come from imported specs and upstream servers; what we print from them is
 * read by a model, so it must stay a few thousand tokens however large the schema is.
 */
export interface TypeScriptLimits {
  /**
   * Characters of declarations printed for one root (a tool's input, or its output), aliases it
   * reaches included. Past it, the named types farthest from the root are declared `unknown` with a
   * note (names.ts), so the closest structure survives; the bound is exact, not an estimate.
   */
  readonly maxChars: number;
  /** Inline schema nesting followed inside one declaration; deeper schemas become `unknown` with a note. */
  readonly maxDepth: number;
  /** Characters of one description kept in a JSDoc comment (longer text is cut with "…"). */
  readonly maxDocChars: number;
  /** Characters of a generated type name (before a numeric suffix that keeps it unique). */
  readonly maxIdentifier: number;
}

export const TYPESCRIPT_LIMITS: TypeScriptLimits = {
  maxChars: 32_000,
  maxDepth: 24,
  maxDocChars: 400,
  maxIdentifier: 64,
};

/**
 * What converting one root may still spend, in estimated characters of output. The estimate charges
 * more than printing costs (indentation included), so the exact check after printing (names.ts)
 * rarely has to cut; its job here is to bound the work itself.
 */
export class Budget {
  #left: number;
  #refused = false;

  constructor(chars: number) {
    this.#left = chars;
  }

  /** Takes `chars` from what is left; false (and nothing taken) when there is not that much. */
  charge(chars: number): boolean {
    if (chars > this.#left) {
      this.#left = 0;
      this.#refused = true;
      return false;
    }
    this.#left -= chars;
    return true;
  }

  get exhausted(): boolean {
    return this.#left <= 0;
  }

  /** Whether anything was left out because the budget ran out. */
  get refused(): boolean {
    return this.#refused;
  }
}

/** The note on whatever the size cap left out. */
export const SIZE_NOTE = "not expanded: declaration size cap";
