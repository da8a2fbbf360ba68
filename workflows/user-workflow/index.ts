import { WorkflowEntrypoint, exports } from "cloudflare:workers";
import type { WorkflowEvent, WorkflowStep } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { runLedger } from "../../durable-objects/run-ledger/client";
import type { LiveWorkflowEntry } from "../../durable-objects/workflow-registry";
import { workflowRegistry } from "../../durable-objects/workflow-registry/client";
import type { JsonValue, RunError, ToolProxyProps, WorkflowStep as StepDef } from "../../schemas";
import { callTool } from "../../workers/invoke/call";
import { runCode } from "../../workers/invoke/run-code";
import type { Env } from "../../workers/shared/env";
import { HttpError } from "../../workers/shared/problem";
import { authorContext, recordWorkflowRun } from "./authority";
import type { MappingContext } from "./mapping";
import { MappingTooLarge, substitute } from "./mapping";
import type { UserWorkflowParams } from "./params";

type StepResult = { status: "succeeded"; runId: string | null; output: JsonValue } | { status: "pending"; runId: string } | { status: "failed"; runId: string | null; error: RunError };

/** What one step may hand the next (a step's result is persisted by Workflows; larger data belongs in a store). */
const MAX_STEP_OUTPUT_CHARS = 512 * 1024;
/** How often a gated step re-reads its Run while it waits (a lost event only delays it), and for how long. */
const WAIT_ROUNDS = 48;

type StepConfig = Parameters<WorkflowStep["do"]>[1];

/** A step whose result travels as JSON text (Workflows persists it; the text keeps its type simple). */
async function doJson<T>(step: WorkflowStep, name: string, config: StepConfig, fn: () => Promise<T>): Promise<T> {
  const text: string = await step.do(name, config as never, async () => JSON.stringify(await fn()));
  return JSON.parse(text) as T;
}

class StepFailed extends Error {
  constructor(readonly stepId: string, readonly error: RunError) {
    super(`step ${stepId} failed: ${error.message}`);
  }
}

function bounded(result: StepResult): StepResult {
  if (result.status !== "succeeded") return result;
  const size = JSON.stringify(result.output ?? null).length;
  if (size <= MAX_STEP_OUTPUT_CHARS) return result;
  return { status: "failed", runId: result.runId, error: { code: "step_output_too_large", message: `the step's output is ${size} characters of JSON, over ${MAX_STEP_OUTPUT_CHARS}; have the tool write it to a store and pass a key` } };
}

/**
 * A user-defined workflow (issue 15): one instance per firing. Each step is one `step.do` with a
 * deterministic name, so a restart replays finished steps from their recorded results. Reads are
 * retried; a write or code step runs at most once: it is never retried, and its call carries an
 * idempotency key, so a step re-run after a crash finds its first Run instead of calling again
 * (docs/durable-runs.md). A gated step waits for its approval (`waitForEvent`).
 */
export class UserWorkflow extends WorkflowEntrypoint<Env, UserWorkflowParams> {
  override async run(event: Readonly<WorkflowEvent<UserWorkflowParams>>, step: WorkflowStep): Promise<{ status: string; result?: JsonValue }> {
    const params = event.payload;
    const instanceId = event.instanceId;
    const registry = workflowRegistry(this.env.WORKFLOW_REGISTRY, params.scope);
    // The definition is read once and pinned for the instance: a deploy meanwhile changes later firings only.
    const loaded: string = await step.do("load the definition", async () => {
      const found = await registry.get(params.name);
      if (!found) throw new NonRetryableError(`no workflow ${params.name} in ${params.scope}`);
      return JSON.stringify(found.workflow);
    });
    const entry = JSON.parse(loaded) as LiveWorkflowEntry;
    const parent = await step.do("record the workflow's run", async () => {
      const auth = await authorContext(this.env, params.scope, entry);
      if (!auth) throw new NonRetryableError("the workflow's author is no longer a member of the organization");
      return (await recordWorkflowRun(this.env, auth, params, entry, instanceId)).id;
    });
    const ctx: MappingContext = { steps: {}, trigger: { kind: params.trigger.kind, payload: params.trigger.payload, firedAt: params.trigger.firedAt } };
    const runs: Record<string, string | null> = {};
    let last: JsonValue = null;
    try {
      for (const [i, def] of entry.definition.steps.entries()) {
        const result = await this.#step(step, params, entry, instanceId, parent, i, def, ctx);
        if (result.status !== "succeeded") throw new StepFailed(def.id, result.status === "failed" ? result.error : { code: "not_approved", message: "the step was not approved" });
        ctx.steps[def.id] = result.output;
        runs[def.id] = result.runId;
        last = result.output;
      }
    } catch (error) {
      if (!(error instanceof StepFailed)) throw error;
      await step.do("record the failure", async () => {
        await runLedger(this.env.RUN_LEDGER, entry.author.orgId).transition(parent, { status: "failed", error: { code: error.error.code, message: `step ${error.stepId}: ${error.error.message}`.slice(0, 2048) }, finishedAt: Date.now() }, ["running"]);
        await registry.finished(params.name, instanceId, false, Date.now());
      });
      return { status: "failed" };
    }
    await step.do("record the success", async () => {
      await runLedger(this.env.RUN_LEDGER, entry.author.orgId).complete(parent, { steps: runs, result: last });
      await registry.finished(params.name, instanceId, true, Date.now());
    });
    return { status: "succeeded", result: last };
  }

  async #step(step: WorkflowStep, params: UserWorkflowParams, entry: LiveWorkflowEntry, instanceId: string, parent: string, i: number, def: StepDef, ctx: MappingContext): Promise<StepResult> {
    const name = `${i + 1}. ${def.id}`;
    if (!("tool" in def)) {
      return doJson(step, name, { retries: { limit: 0, delay: 0 }, timeout: "5 minutes" }, async () => bounded(await this.#code(params, entry, parent, def, ctx)));
    }
    const side = entry.sideEffects[i] ?? "write";
    let args: Record<string, JsonValue>;
    try {
      args = substitute(def.args as JsonValue, ctx) as Record<string, JsonValue>;
    } catch (error) {
      if (error instanceof MappingTooLarge) return { status: "failed", runId: null, error: { code: "arguments_too_large", message: error.message } };
      throw error;
    }
    const retries = side === "read" ? { limit: 3, delay: "2 seconds" as const, backoff: "exponential" as const } : { limit: 0, delay: 0 };
    const first = await doJson<StepResult>(step, name, { retries, timeout: "10 minutes" }, async () => {
      const auth = await authorContext(this.env, params.scope, entry);
      if (!auth) return { status: "failed", runId: null, error: { code: "author_gone", message: "the workflow's author is no longer a member" } } satisfies StepResult;
      try {
        const outcome = await callTool(this.env, auth, {
          address: def.tool,
          args,
          surface: "workflow",
          parentRunId: parent,
          // A write's key makes a re-run of this step after a crash find its first Run, never call twice.
          idempotencyKey: side === "read" ? null : `wf:${instanceId}:${def.id}`,
          notify: { instance: instanceId, event: `decided-${def.id}` },
        });
        if (outcome.kind === "succeeded") return bounded({ status: "succeeded", runId: outcome.run.id, output: outcome.value });
        if (outcome.kind === "pending") return { status: "pending", runId: outcome.run.id } satisfies StepResult;
        const error = outcome.run.error ?? { code: outcome.run.status, message: outcome.kind === "rejected" ? outcome.run.admission.reason.message : "the call failed" };
        // Only a read's transient failure is tried again (each attempt its own Run).
        if (outcome.kind === "failed" && side === "read" && (outcome.httpStatus >= 500 || outcome.httpStatus === 429)) throw new Error(`transient failure of ${def.tool}: ${error.code}`);
        return { status: "failed", runId: outcome.run.id, error } satisfies StepResult;
      } catch (error) {
        if (error instanceof HttpError) return { status: "failed", runId: null, error: { code: error.type, message: error.message.slice(0, 2048) } } satisfies StepResult;
        throw error;
      }
    });
    if (first.status !== "pending") return first;
    return this.#awaitDecision(step, entry, name, def.id, first.runId);
  }

  /** A gated step: waits for its Run's decision (the approval workflow signals), re-reading the Run now and then. */
  async #awaitDecision(step: WorkflowStep, entry: LiveWorkflowEntry, name: string, id: string, runId: string): Promise<StepResult> {
    for (let k = 0; k < WAIT_ROUNDS; k++) {
      try {
        await step.waitForEvent(`${name}: approval (${k + 1})`, { type: `decided-${id}`, timeout: "30 minutes" });
      } catch {
        // no event in this round: read the Run anyway
      }
      const now = await doJson<StepResult>(step, `${name}: its run (${k + 1})`, {}, async () => {
        const found = await runLedger(this.env.RUN_LEDGER, entry.author.orgId).get(runId);
        if (!found.ok) return { status: "failed", runId, error: { code: "run_missing", message: `Run ${runId} is gone` } } satisfies StepResult;
        const run = found.value.run;
        if (run.status === "succeeded") return bounded({ status: "succeeded", runId, output: run.output?.kind === "inline" ? (run.output.value as JsonValue) : null });
        if (["failed", "denied", "expired", "cancelled", "rejected"].includes(run.status)) return { status: "failed", runId, error: run.error ?? { code: run.status, message: `the step's call was ${run.status}` } } satisfies StepResult;
        return { status: "pending", runId } satisfies StepResult;
      });
      if (now.status !== "pending") return now;
    }
    return { status: "failed", runId, error: { code: "expired", message: "no decision came in time" } };
  }

  async #code(params: UserWorkflowParams, entry: LiveWorkflowEntry, parent: string, def: Extract<StepDef, { code: string }>, ctx: MappingContext): Promise<StepResult> {
    const auth = await authorContext(this.env, params.scope, entry);
    if (!auth) return { status: "failed", runId: null, error: { code: "author_gone", message: "the workflow's author is no longer a member" } };
    // The step sees earlier outputs (`steps.<id>.output`, as in mappings) and the trigger as constants.
    const steps = Object.fromEntries(Object.entries(ctx.steps).map(([id, output]) => [id, { output }]));
    const prelude = `const steps = ${JSON.stringify(steps)}; const trigger = ${JSON.stringify(ctx.trigger)};\n`;
    try {
      const outcome = await runCode(this.env, auth, {
        code: prelude + def.code,
        timeoutMs: def.timeoutMs,
        surface: "workflow",
        base: this.env.PUBLIC_URL,
        parentRunId: parent,
        toolProxy: (props: ToolProxyProps) => (exports as unknown as { ToolProxy: (o: { props: ToolProxyProps }) => unknown }).ToolProxy({ props }),
      });
      if (outcome.kind === "succeeded") return { status: "succeeded", runId: outcome.run.id, output: outcome.value };
      return { status: "failed", runId: outcome.run.id, error: { code: outcome.error.code, message: outcome.error.message } };
    } catch (error) {
      if (error instanceof HttpError) return { status: "failed", runId: null, error: { code: error.type, message: error.message } };
      throw error;
    }
  }
}
