import type { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env";
import { logUnexpected } from "../shared/log";
import { HttpError, problemBody, problemResponse } from "../shared/problem";

/**
 * Installs the gateway's error model on an app: every failure becomes `application/problem+json`.
 * Unexpected errors answer 500 with a correlation id and no internals; the detail goes to the log,
 * keyed by that id, and never into the response.
 */
export function installErrorModel(app: Hono<AppEnv>): void {
  app.use("*", async (c, next) => {
    c.set("correlationId", crypto.randomUUID());
    await next();
  });

  app.notFound((c) =>
    problemResponse(problemBody(404, "not-found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`)),
  );

  app.onError((error, c) => {
    if (error instanceof HttpError) {
      return problemResponse(problemBody(error.status, error.type, error.message, error.extra), error.headers);
    }
    if (error instanceof HTTPException && error.status < 500) {
      // Hono's own exceptions (e.g. from its body-limit middleware) keep their status.
      const type = error.status === 413 ? "payload-too-large" : error.status === 404 ? "not-found" : "validation-failed";
      return problemResponse(problemBody(error.status, type, error.message));
    }
    const correlationId = c.get("correlationId") ?? crypto.randomUUID();
    logUnexpected(correlationId, error);
    return problemResponse(
      problemBody(500, "internal", "an unexpected error occurred; quote the correlation id when reporting it", {
        correlationId,
      }),
    );
  });
}
