import { z } from "zod";

/**
 * Errors that cross an RPC boundary travel as data, not exceptions: workerd keeps only an Error's
 * message across RPC, and we never branch on message text (STYLE: one typed error per boundary).
 */
export const FailureCode = z.enum([
  "invalid_input",
  "not_found",
  "conflict",
  "forbidden",
  "wrong_scope",
  "unavailable",
]);
export type FailureCode = z.infer<typeof FailureCode>;

export const Failure = z.object({
  code: FailureCode,
  message: z.string(),
  /** For invalid_input: each failing field by its path. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Failure = z.infer<typeof Failure>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: Failure };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: FailureCode, message: string, errors?: Failure["errors"]): Result<T> {
  return errors ? { ok: false, error: { code, message, errors } } : { ok: false, error: { code, message } };
}

/** Turns a zod error into field-precise entries (`tools[3].name`). */
export function zodIssues(error: z.ZodError): NonNullable<Failure["errors"]> {
  return error.issues.map((issue) => ({
    path: issue.path.length === 0 ? "(root)" : formatPath(issue.path),
    message: issue.message,
  }));
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join("");
}

/** Parses untrusted input or returns an invalid_input failure naming every failing field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): Result<z.infer<S>> {
  const parsed = schema.safeParse(input);
  return parsed.success ? ok(parsed.data) : fail("invalid_input", "input does not match the schema", zodIssues(parsed.error));
}
