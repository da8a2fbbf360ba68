import type { Result } from "../../schemas";
import type { ProblemType } from "./problem";
import { HttpError } from "./problem";

const STATUS: Record<string, [number, ProblemType]> = {
  invalid_input: [422, "validation-failed"],
  not_found: [404, "not-found"],
  conflict: [409, "conflict"],
  forbidden: [403, "forbidden"],
  wrong_scope: [500, "internal"],
  unavailable: [503, "unavailable"],
};

/** Maps an RPC failure to the HTTP error model (by code, never by message text). */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  const [status, type] = STATUS[result.error.code] ?? [500, "internal"];
  if (status >= 500) throw new Error(`unexpected ${result.error.code} failure`);
  throw new HttpError(status, type, result.error.message, result.error.errors ? { errors: result.error.errors } : {});
}
