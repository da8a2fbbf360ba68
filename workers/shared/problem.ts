import type { Problem } from "../../schemas";

/** Problem type slugs the gateway answers; each names one failure class (RFC 9457 §3.1.1 `type`). */
export type ProblemType =
  | "not-found"
  | "method-not-allowed"
  | "malformed-json"
  | "invalid-request"
  | "unsupported-media-type"
  | "validation-failed"
  | "payload-too-large"
  | "conflict"
  | "upstream-failed"
  | "gone"
  | "forbidden"
  | "unauthorized"
  | "rate-limited"
  | "unavailable"
  | "code-failed"
  | "timeout"
  | "internal";

const TITLES: Record<ProblemType, string> = {
  "not-found": "Not Found",
  "method-not-allowed": "Method Not Allowed",
  "malformed-json": "Malformed JSON",
  "invalid-request": "Bad Request",
  "unsupported-media-type": "Unsupported Media Type",
  "validation-failed": "Validation Failed",
  "payload-too-large": "Payload Too Large",
  conflict: "Conflict",
  "upstream-failed": "Upstream Call Failed",
  gone: "Gone",
  forbidden: "Forbidden",
  unauthorized: "Unauthorized",
  "rate-limited": "Too Many Requests",
  unavailable: "Service Unavailable",
  "code-failed": "Code Failed",
  timeout: "Timed Out",
  internal: "Internal Server Error",
};

/** The one typed error of the HTTP edge (STYLE: one typed error per boundary). */
export class HttpError extends Error {
  readonly status: number;
  readonly type: ProblemType;
  readonly extra: Pick<Problem, "errors" | "runId">;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    type: ProblemType,
    detail: string,
    extra: Pick<Problem, "errors" | "runId"> = {},
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "HttpError";
    this.status = status;
    this.type = type;
    this.extra = extra;
    this.headers = headers;
  }
}

export function problemBody(status: number, type: ProblemType, detail?: string, extra: Partial<Problem> = {}): Problem {
  const body: Problem = { type: `/problems/${type}`, title: TITLES[type], status, ...extra };
  if (detail !== undefined) body.detail = detail;
  return body;
}

/** RFC 9457 §3: problem details are served as `application/problem+json`. */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers },
  });
}
