import { Hono } from "hono";
import { CodeInput } from "../../../schemas";
import { runCode } from "../../invoke/run-code";
import { HttpError } from "../../shared/problem";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import type { AppEnv } from "../env";
import { toolProxyFactory } from "../tool-proxy";

/**
 * `POST /v1/code`: runs TypeScript or JavaScript in the sandbox (see run-code.ts). 200 with the Run,
 * the returned value and the console output; a syntax error is 422 naming the line and column; code
 * that threw or ran out of budget is 422 `code-failed`; a timeout is 504. Every answer names its Run,
 * and each tool call the code made is a child Run (`GET /v1/runs?…`, `parentRunId`).
 */
export const v1Code = new Hono<AppEnv>().post("/v1/code", requireAuth("v1"), async (c) => {
  const input = await readJson(c, CodeInput);
  const outcome = await runCode(c.env, c.get("auth"), {
    ...input,
    surface: "http",
    base: new URL(c.req.url).origin,
    toolProxy: toolProxyFactory(c.executionCtx as ExecutionContext),
  });
  c.header("cache-control", "no-store");
  if (outcome.kind === "succeeded") {
    // W3C Server-Timing: how long the sandbox itself took, for clients and the bench.
    c.header("server-timing", `sandbox;dur=${outcome.sandboxMs}`);
    return c.json({ run: outcome.run, result: outcome.value, logs: outcome.logs });
  }
  const { error, run } = outcome;
  const at = error.line !== undefined ? [{ path: "code", message: `${error.message}`, line: error.line, column: error.column ?? 1 }] : [];
  if (outcome.kind === "invalid") throw new HttpError(422, "validation-failed", `field 'code': ${error.message}`, { errors: at, runId: run.id });
  if (error.code === "timeout") throw new HttpError(504, "timeout", error.message, { runId: run.id });
  throw new HttpError(422, "code-failed", error.message, { errors: at, runId: run.id });
});
